#include "rules/rule_file.h"

#include <gtest/gtest.h>

namespace pharos::rules {
namespace {

TEST(RuleFile, ParsesGroupsAndRules) {
  RuleFileParse p = ParseRuleFileContent("r.yml", R"(groups:
- name: g
  interval: 30s
  limit: 5
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
    labels: {b: "2", a: 1}
  - alert: Down
    expr: up == 0
    for: 1m
    keep_firing_for: 5m
    annotations: {summary: "{{ $labels.job }}"}
)",
                                         nullptr);
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  ASSERT_EQ(p.file.groups.size(), 1u);
  const GroupSpec& g = p.file.groups[0];
  EXPECT_EQ(g.interval_ms, 30'000);
  EXPECT_EQ(g.limit, 5);
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].labels[0].first, "a");
  EXPECT_EQ(g.rules[0].labels[0].second, "1");
  EXPECT_EQ(g.rules[1].for_ms, 60'000);
  EXPECT_EQ(g.rules[1].keep_firing_for_ms, 300'000);
  EXPECT_EQ(p.file.NumRules(), 2u);
}

TEST(RuleFile, EmptyFileHasNoGroups) {
  EXPECT_TRUE(ParseRuleFileContent("e.yml", "", nullptr).errors.empty());
  EXPECT_TRUE(ParseRuleFileContent("e.yml", "groups:\n", nullptr).errors.empty());
}

TEST(RuleFile, ValidationErrorsAsPromtool) {
  RuleFileParse p = ParseRuleFileContent("b.yml", R"(groups:
- name: g
  rules:
  - alert: A
    record: b
    expr: up ==
    for: 1m
    labels: {"bad-l": x}
  - record: 'a-b'
    expr: up
    for: 1m
    annotations: {x: y}
  - expr: up
- name: g
  rules: []
)",
                                         [](std::string_view, std::string_view) {
                                           return Status();
                                         });
  std::vector<std::string> want = {
      "b.yml: 5:13: 4:12: group \"g\", rule 1, \"A\": only one of 'record' and 'alert' must be set",
      "b.yml: 6:11: group \"g\", rule 1, \"A\": could not parse expression: 1:6: parse error: "
      "unexpected end of input",
      "b.yml: 5:13: group \"g\", rule 1, \"A\": invalid field 'for' in recording rule",
      "b.yml: group \"g\", rule 1, \"A\": invalid label name: bad-l",
      "b.yml: 9:13: group \"g\", rule 2, \"a-b\": invalid field 'annotations' in recording rule",
      "b.yml: 9:13: group \"g\", rule 2, \"a-b\": invalid field 'for' in recording rule",
      "b.yml: 9:13: group \"g\", rule 2, \"a-b\": invalid recording rule name: a-b",
      "b.yml: 0:0: group \"g\", rule 3, \"\": one of 'record' or 'alert' must be set",
      "b.yml: 14:3: groupname: \"g\" is repeated in the same file",
  };
  EXPECT_EQ(p.errors, want);
}

TEST(RuleFile, UnknownFieldsAndBadDurations) {
  RuleFileParse p = ParseRuleFileContent(
      "f.yml", "groups:\n- name: g\n  foo: 1\n  rules:\n  - alert: a\n    expr: up\n    bar: 2\n",
      nullptr);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0],
            "f.yml: yaml: unmarshal errors:\n  line 3: field foo not found in type "
            "rulefmt.RuleGroup\n  line 7: field bar not found in type rulefmt.RuleNode");
  p = ParseRuleFileContent("f.yml", "groups:\n- name: g\n  interval: abc\n", nullptr);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0], "f.yml: not a valid duration string: \"abc\"");
  p = ParseRuleFileContent("f.yml", "groups: [", nullptr);
  EXPECT_FALSE(p.errors.empty());
}

TEST(RuleFile, TemplateErrorsNameTheLabelOrAnnotation) {
  RuleFileParse p = ParseRuleFileContent(
      "t.yml",
      "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations: {s: x}\n",
      [](std::string_view name, std::string_view) {
        return InvalidArgumentError("template: __alert_" + std::string(name) + ":1: unclosed action");
      });
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0],
            "t.yml: group \"g\", rule 1, \"A\": annotation \"s\": template: __alert_A:1: unclosed "
            "action");
}

TEST(RuleFile, MissingFile) {
  RuleFileParse p = ParseRuleFile("/nonexistent/x.yml", nullptr);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0], "/nonexistent/x.yml: open /nonexistent/x.yml: No such file or directory");
}

}  // namespace
}  // namespace pharos::rules
