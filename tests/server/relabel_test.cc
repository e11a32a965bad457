// Relabeling: each action as Prometheus 2.42's model/relabel applies it.

#include "server/config/relabel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/config/md5.h"

namespace pharos::server {
namespace {

std::vector<tsdb::Label> L(std::vector<tsdb::Label> l) {
  std::sort(l.begin(), l.end(), LabelNameLess);
  return l;
}

RelabelConfig Make(RelabelSpec spec) {
  Result<RelabelConfig> rc = RelabelConfig::Make(std::move(spec));
  EXPECT_TRUE(rc.ok()) << rc.status().message();
  return std::move(rc).value();
}

RelabelSpec Spec(RelabelAction action, std::vector<std::string> sources, std::string regex,
                 std::string target = "", std::string replacement = "$1") {
  RelabelSpec s;
  s.action = action;
  s.source_labels = std::move(sources);
  s.regex = std::move(regex);
  s.target_label = std::move(target);
  s.replacement = std::move(replacement);
  return s;
}

std::string Apply(const std::vector<RelabelConfig>& cfgs, std::vector<tsdb::Label> in) {
  in = L(std::move(in));
  if (!Relabel(cfgs, in)) return "dropped";
  return tsdb::Labels(in).ToString();
}

TEST(Md5, KnownDigests) {
  auto hex = [](std::string_view s) {
    std::string out;
    for (uint8_t b : Md5(s)) {
      static const char* d = "0123456789abcdef";
      out.push_back(d[b >> 4]);
      out.push_back(d[b & 15]);
    }
    return out;
  };
  EXPECT_EQ(hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
  EXPECT_EQ(hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
}

TEST(Relabel, ReplaceDefaultsCopySourceToTarget) {
  RelabelSpec s;
  s.source_labels = {"a"};
  s.target_label = "b";
  std::vector<RelabelConfig> cfgs = {Make(s)};
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}}), "{a=\"foo\", b=\"foo\"}");
}

TEST(Relabel, ReplaceWithGroupsAndNames) {
  std::vector<RelabelConfig> cfgs = {
      Make(Spec(RelabelAction::kReplace, {"a", "b"}, "(f.*);(?P<second>.*)", "d", "${1}x$second$$"))};
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}, {"b", "bar"}}), "{a=\"foo\", b=\"bar\", d=\"fooxbar$\"}");
  // No match: nothing changes.
  EXPECT_EQ(Apply(cfgs, {{"a", "goo"}, {"b", "bar"}}), "{a=\"goo\", b=\"bar\"}");
}

TEST(Relabel, ReplaceIsAnchored) {
  std::vector<RelabelConfig> cfgs = {Make(Spec(RelabelAction::kReplace, {"a"}, "o+", "b", "x"))};
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}}), "{a=\"foo\"}");
  EXPECT_EQ(Apply(cfgs, {{"a", "oo"}}), "{a=\"oo\", b=\"x\"}");
}

TEST(Relabel, ReplaceEmptyResultRemovesTargetLabel) {
  std::vector<RelabelConfig> cfgs = {Make(Spec(RelabelAction::kReplace, {"a"}, "(.*)", "b", "$2"))};
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}, {"b", "x"}}), "{a=\"foo\"}");
}

TEST(Relabel, ReplaceExpandedTargetName) {
  std::vector<RelabelConfig> cfgs = {Make(Spec(RelabelAction::kReplace, {"a"}, "(.*)", "x_${1}", "v"))};
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}}), "{a=\"foo\", x_foo=\"v\"}");
  // An invalid expanded name removes the label literally named target_label.
  EXPECT_EQ(Apply(cfgs, {{"a", "f-o"}, {"x_${1}", "gone"}}), "{a=\"f-o\"}");
}

TEST(Relabel, ReplaceWithoutSourcesSetsConstant) {
  std::vector<RelabelConfig> cfgs = {Make(Spec(RelabelAction::kReplace, {}, "(.*)", "env", "prod"))};
  EXPECT_EQ(Apply(cfgs, {{"a", "1"}}), "{a=\"1\", env=\"prod\"}");
}

TEST(Relabel, KeepAndDrop) {
  std::vector<RelabelConfig> keep = {Make(Spec(RelabelAction::kKeep, {"a"}, "f.*"))};
  EXPECT_EQ(Apply(keep, {{"a", "foo"}}), "{a=\"foo\"}");
  EXPECT_EQ(Apply(keep, {{"a", "bar"}}), "dropped");
  std::vector<RelabelConfig> drop = {Make(Spec(RelabelAction::kDrop, {"a"}, "f.*"))};
  EXPECT_EQ(Apply(drop, {{"a", "foo"}}), "dropped");
  EXPECT_EQ(Apply(drop, {{"a", "bar"}}), "{a=\"bar\"}");
  // Absent source labels read as "".
  std::vector<RelabelConfig> drop_empty = {Make(Spec(RelabelAction::kDrop, {"z"}, ""))};
  EXPECT_EQ(Apply(drop_empty, {{"a", "bar"}}), "dropped");
}

TEST(Relabel, KeepEqualAndDropEqual) {
  RelabelSpec s;
  s.action = RelabelAction::kKeepEqual;
  s.source_labels = {"a"};
  s.target_label = "b";
  std::vector<RelabelConfig> keep = {Make(s)};
  EXPECT_EQ(Apply(keep, {{"a", "1"}, {"b", "1"}}), "{a=\"1\", b=\"1\"}");
  EXPECT_EQ(Apply(keep, {{"a", "1"}, {"b", "2"}}), "dropped");
  s.action = RelabelAction::kDropEqual;
  std::vector<RelabelConfig> drop = {Make(s)};
  EXPECT_EQ(Apply(drop, {{"a", "1"}, {"b", "1"}}), "dropped");
  EXPECT_EQ(Apply(drop, {{"a", "1"}, {"b", "2"}}), "{a=\"1\", b=\"2\"}");
}

TEST(Relabel, HashModUsesLastEightBytesOfMd5) {
  RelabelSpec s;
  s.action = RelabelAction::kHashMod;
  s.source_labels = {"a"};
  s.target_label = "h";
  s.modulus = 1000;
  std::vector<RelabelConfig> cfgs = {Make(s)};
  // md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8; 0xedef654fccc4a4d8 % 1000 == 696.
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}}), "{a=\"foo\", h=\"696\"}");
}

TEST(Relabel, LabelMap) {
  std::vector<RelabelConfig> cfgs = {
      Make(Spec(RelabelAction::kLabelMap, {}, "__meta_(.+)", "", "k_$1"))};
  EXPECT_EQ(Apply(cfgs, {{"__meta_x", "1"}, {"__meta_y", "2"}, {"z", "3"}}),
            "{__meta_x=\"1\", __meta_y=\"2\", k_x=\"1\", k_y=\"2\", z=\"3\"}");
  // Collisions: the later name (in sort order) wins.
  std::vector<RelabelConfig> collide = {Make(Spec(RelabelAction::kLabelMap, {}, "[ab]_(.*)", "", "$1"))};
  EXPECT_EQ(Apply(collide, {{"a_x", "1"}, {"b_x", "2"}}), "{a_x=\"1\", b_x=\"2\", x=\"2\"}");
}

TEST(Relabel, LabelDropAndLabelKeep) {
  std::vector<RelabelConfig> drop = {Make(Spec(RelabelAction::kLabelDrop, {}, "__.*"))};
  EXPECT_EQ(Apply(drop, {{"__a", "1"}, {"b", "2"}}), "{b=\"2\"}");
  std::vector<RelabelConfig> keep = {Make(Spec(RelabelAction::kLabelKeep, {}, "__.*"))};
  EXPECT_EQ(Apply(keep, {{"__a", "1"}, {"b", "2"}}), "{__a=\"1\"}");
  // Nothing left counts as dropped.
  std::vector<RelabelConfig> all = {Make(Spec(RelabelAction::kLabelDrop, {}, ".*"))};
  EXPECT_EQ(Apply(all, {{"a", "1"}}), "dropped");
}

TEST(Relabel, LowercaseAndUppercase) {
  RelabelSpec s;
  s.action = RelabelAction::kLowercase;
  s.source_labels = {"a", "b"};
  s.target_label = "c";
  std::vector<RelabelConfig> lower = {Make(s)};
  EXPECT_EQ(Apply(lower, {{"a", "FoO"}, {"b", "ÄΣЖ"}}), "{a=\"FoO\", b=\"ÄΣЖ\", c=\"foo;äσж\"}");
  s.action = RelabelAction::kUppercase;
  std::vector<RelabelConfig> upper = {Make(s)};
  EXPECT_EQ(Apply(upper, {{"a", "FoO"}, {"b", "äσж"}}), "{a=\"FoO\", b=\"äσж\", c=\"FOO;ÄΣЖ\"}");
}

TEST(Relabel, StepsSeePreviousOutput) {
  std::vector<RelabelConfig> cfgs = {
      Make(Spec(RelabelAction::kReplace, {"a"}, "(.*)", "b")),
      Make(Spec(RelabelAction::kKeep, {"b"}, "foo")),
  };
  EXPECT_EQ(Apply(cfgs, {{"a", "foo"}}), "{a=\"foo\", b=\"foo\"}");
}

TEST(Relabel, LabelsOverload) {
  std::vector<RelabelConfig> cfgs = {Make(Spec(RelabelAction::kReplace, {}, "(.*)", "x", "y"))};
  bool keep = false;
  tsdb::Labels out = Relabel(cfgs, tsdb::Labels{{"a", "1"}}, &keep);
  EXPECT_TRUE(keep);
  EXPECT_EQ(out.ToString(), "{a=\"1\", x=\"y\"}");
}

struct BadCase {
  RelabelSpec spec;
  std::string error;
};

TEST(RelabelConfig, ValidationErrorsAsPrometheus) {
  std::vector<BadCase> cases;
  auto add = [&](RelabelSpec s, std::string e) { cases.push_back({std::move(s), std::move(e)}); };
  RelabelSpec s;
  s.action = RelabelAction::kHashMod;
  s.target_label = "x";
  add(s, "relabel configuration for hashmod requires non-zero modulus");
  s = {};
  add(s, "relabel configuration for replace action requires 'target_label' value");
  s.target_label = "1x";
  add(s, "\"1x\" is invalid 'target_label' for replace action");
  s = {};
  s.action = RelabelAction::kLowercase;
  s.target_label = "x";
  s.replacement = "a";
  add(s, "'replacement' can not be set for lowercase action");
  s = {};
  s.action = RelabelAction::kLabelMap;
  s.replacement = "$1-";
  add(s, "\"$1-\" is invalid 'replacement' for labelmap action");
  s = {};
  s.action = RelabelAction::kHashMod;
  s.modulus = 2;
  s.target_label = "$1";
  add(s, "\"$1\" is invalid 'target_label' for hashmod action");
  s = {};
  s.action = RelabelAction::kKeepEqual;
  s.target_label = "x";
  s.regex_set = true;
  add(s, "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  s = {};
  s.action = RelabelAction::kLabelDrop;
  s.source_labels_set = true;
  add(s, "labeldrop action requires only 'regex', and no other fields");
  s = {};
  s.target_label = "x";
  s.source_labels = {"a-b"};
  add(s, "\"a-b\" is not a valid label name");
  s = {};
  s.target_label = "x";
  s.regex = "a(";
  add(s, "error parsing regexp: missing closing ): `^(?:a()$`");
  s.regex = "a\\C";
  add(s, "error parsing regexp: invalid escape sequence: `\\C`");
  for (const BadCase& c : cases) {
    Result<RelabelConfig> rc = RelabelConfig::Make(c.spec);
    ASSERT_FALSE(rc.ok()) << c.error;
    EXPECT_EQ(rc.status().message(), c.error);
  }
}

TEST(RelabelConfig, ParseActionIsCaseInsensitive) {
  EXPECT_EQ(*ParseRelabelAction("Replace"), RelabelAction::kReplace);
  EXPECT_EQ(*ParseRelabelAction("labelkeep"), RelabelAction::kLabelKeep);
  EXPECT_EQ(ParseRelabelAction("foo").status().message(), "unknown relabel action \"foo\"");
}

}  // namespace
}  // namespace pharos::server
