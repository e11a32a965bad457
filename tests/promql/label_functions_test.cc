// label_replace and label_join, against Prometheus 2.42 (promtool).

#include "promql/functions/label_functions.h"

#include <gtest/gtest.h>

namespace pharos::promql {
namespace {

const tsdb::Labels kIn{{"__name__", "m"}, {"a", "xyz"}, {"b", "q"}};

// label_replace(m, dst, repl, src, regex) applied to kIn.
tsdb::Labels Replace(std::string dst, std::string repl, std::string src, std::string regex) {
  auto r = LabelReplacer::Make(std::move(dst), std::move(repl), std::move(src), std::move(regex));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r->Apply(kIn);
}

std::string D(const tsdb::Labels& l) { return std::string(l.Get("d")); }

TEST(LabelReplace, ExpandRules) {
  EXPECT_EQ(D(Replace("d", "a${1", "a", "(.*)")), "a${1");  // unclosed brace: literal
  EXPECT_EQ(D(Replace("d", "$-$", "a", "(.*)")), "$-$");    // no name: literal
  EXPECT_EQ(D(Replace("d", "$01|$1x|${1}x|$10", "a", "(x)(y)(z)")), "||xx|");
  EXPECT_EQ(D(Replace("d", "$first-$second_", "a", "(?P<first>x)(?P<second>y)z")), "x-");
  EXPECT_EQ(D(Replace("d", "${1}}", "a", "(x)..")), "x}");
  EXPECT_EQ(D(Replace("d", "$$1 $$$1", "a", "(x)..")), "$1 $x");
  EXPECT_EQ(D(Replace("d", "$0", "a", "x(y)z")), "xyz");
  // Go's names run over Unicode letters: "$1é" is the unknown group "1é".
  EXPECT_EQ(D(Replace("d", "$1\xc3\xa9$$${1}x$0$2$foo", "a", "(.)..")), "$xxxyz");
}

TEST(LabelReplace, MatchingAndRemoval) {
  // Empty expansion removes dst; the regex is anchored at both ends.
  EXPECT_EQ(Replace("b", "", "a", "x.*"), (tsdb::Labels{{"__name__", "m"}, {"a", "xyz"}}));
  EXPECT_EQ(Replace("b", "", "a", "y"), kIn);
  EXPECT_EQ(Replace("d", "$1", "a", "x|(y)z"), kIn);
  EXPECT_EQ(Replace("d", "$1", "a", "(x)|(xyz)"), kIn);  // group 1 did not take part
  // An absent source label reads as "".
  EXPECT_EQ(D(Replace("d", "[$1]", "nope", "(.*)")), "[]");
  EXPECT_EQ(Replace("__name__", "new", "a", ".*").MetricName(), "new");
  EXPECT_EQ(D(Replace("d", "v", "a", "xyz")), "v");
}

TEST(LabelReplace, Errors) {
  auto r = LabelReplacer::Make("1d", "", "a", "(");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "invalid regular expression in label_replace(): (");
  r = LabelReplacer::Make("1d", "", "a", "(.)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid destination label name in label_replace(): 1d");
  EXPECT_FALSE(LabelReplacer::Make("", "", "a", ".*").ok());
  EXPECT_TRUE(LabelReplacer::Make("_ok", "", "1not_checked", ".*").ok());
}

TEST(LabelJoin, JoinsAndRemoves) {
  EXPECT_EQ(D(LabelJoin(kIn, "d", "-", {"a", "b", "c", "a"})), "xyz-q--xyz");
  EXPECT_EQ(LabelJoin(kIn, "a", "", {"c"}), (tsdb::Labels{{"__name__", "m"}, {"b", "q"}}));
  EXPECT_EQ(LabelJoin(kIn, "a", ",", {}), (tsdb::Labels{{"__name__", "m"}, {"b", "q"}}));
  EXPECT_EQ(D(LabelJoin(kIn, "d", ",", {"c", "c"})), ",");
}

TEST(LabelJoin, Errors) {
  EXPECT_TRUE(CheckLabelJoinArgs("d", {"a", "b"}).ok());
  EXPECT_TRUE(CheckLabelJoinArgs("d", {}).ok());
  Status s = CheckLabelJoinArgs("1d", {"1bad"});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "invalid source label name in label_join(): 1bad");
  s = CheckLabelJoinArgs("d", {""});
  EXPECT_EQ(s.message(), "invalid source label name in label_join(): ");
  s = CheckLabelJoinArgs("1d", {"a"});
  EXPECT_EQ(s.message(), "invalid destination label name in label_join(): 1d");
}

}  // namespace
}  // namespace pharos::promql
