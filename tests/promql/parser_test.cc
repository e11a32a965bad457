// Parser tests: the answers Prometheus 2.42 gave for several hundred queries
// (testdata/parser/prometheus_answers.txt), then the tree shapes the engine
// relies on, ParseMetricSelector, durations and the bounds on input.
#include "promql/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "promql/ast/ast.h"

namespace pharos::promql {
namespace {

// Where Pharos prints differently from Prometheus on purpose: Prometheus'
// printer drops `ignoring () group_x (...)`, which then re-parses as a
// one-to-one match.
const std::map<std::string, std::string>& Deviations() {
  static const std::map<std::string, std::string> m = {
      {"a + ignoring() group_left b", "a + ignoring () group_left () b"},
  };
  return m;
}

std::string Answer(const std::string& query) {
  Result<ExprPtr> r = ParseExpr(query);
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << query;
    return "ERR " + r.status().message();
  }
  return (*r)->String();
}

TEST(Parser, AnswersLikePrometheus) {
  std::ifstream in(std::string(PHAROS_PROMQL_TESTDATA) + "/parser/prometheus_answers.txt");
  ASSERT_TRUE(in) << "missing testdata";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) continue;
    size_t sep = line.find("\t=> ");
    ASSERT_NE(sep, std::string::npos) << line;
    std::string query = line.substr(0, sep);
    std::string want = line.substr(sep + 4);
    std::string display = query;
    for (size_t p; (p = query.find("\\N")) != std::string::npos;) query.replace(p, 2, "\n");
    if (auto it = Deviations().find(display); it != Deviations().end()) want = it->second;
    EXPECT_EQ(Answer(query), want) << "query: " << display;
    ++cases;
  }
  EXPECT_GT(cases, 400);
}

TEST(Parser, PrintsCanonicalForms) {
  EXPECT_EQ(Answer("sum(rate(x[5m])) by (job)"), "sum by (job) (rate(x[5m]))");
  EXPECT_EQ(Answer("a+on(b)group_left(c)d"), "a + on (b) group_left (c) d");
  EXPECT_EQ(Answer("x{a=\"b\"} offset 5m @ 100"), "x{a=\"b\"} @ 100.000 offset 5m");
  EXPECT_EQ(Answer("x[5m:1m]"), "x[5m:1m]");
  EXPECT_EQ(Answer("x offset 90m"), "x offset 1h30m");
  EXPECT_EQ(Answer("x offset 7d"), "x offset 1w");
  EXPECT_EQ(Answer("1e6"), "1e+06");
  // Deliberate: `+Inf ^ x` would re-parse as +(Inf ^ x).
  EXPECT_EQ(Answer("Inf ^ x"), "Inf ^ x");
}

TEST(Parser, FoldsSignedNumbersButKeepsParens) {
  Result<ExprPtr> r = ParseExpr("-1");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Is<NumberLiteral>());
  EXPECT_EQ((*r)->As<NumberLiteral>().value(), -1);

  r = ParseExpr("-(1)");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Is<UnaryExpr>());
  EXPECT_TRUE((*r)->As<UnaryExpr>().expr().Is<ParenExpr>());

  r = ParseExpr("-2^2");  // -(2^2)
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Is<UnaryExpr>());
  EXPECT_TRUE((*r)->As<UnaryExpr>().expr().Is<BinaryExpr>());
}

TEST(Parser, PrecedenceAndAssociativity) {
  Result<ExprPtr> r = ParseExpr("a - b - c");
  ASSERT_TRUE(r.ok());
  const auto& top = (*r)->As<BinaryExpr>();
  EXPECT_TRUE(top.lhs().Is<BinaryExpr>());  // (a - b) - c
  r = ParseExpr("a ^ b ^ c");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->As<BinaryExpr>().rhs().Is<BinaryExpr>());  // a ^ (b ^ c)
  r = ParseExpr("a or b and c unless d == e + f * g ^ h");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->As<BinaryExpr>().op(), BinaryOp::kOr);
}

TEST(Parser, VectorSelectorHasNameMatcherFirst) {
  Result<ExprPtr> r = ParseExpr("up{job=\"api\", code=~\"5..\"}");
  ASSERT_TRUE(r.ok());
  const auto& vs = (*r)->As<VectorSelector>();
  EXPECT_EQ(vs.name(), "up");
  ASSERT_EQ(vs.matchers().size(), 3u);
  EXPECT_EQ(vs.matchers()[0].name(), "__name__");
  EXPECT_EQ(vs.matchers()[0].value(), "up");
  EXPECT_EQ(vs.matchers()[2].type(), tsdb::MatchType::kRegexMatch);
}

TEST(Parser, ModifiersOfRangesLiveOnTheSelector) {
  Result<ExprPtr> r = ParseExpr("rate(x[5m] @ 100 offset -1m)");
  ASSERT_TRUE(r.ok());
  const auto& call = (*r)->As<Call>();
  EXPECT_EQ(call.func().name, "rate");
  const auto& ms = call.args()[0]->As<MatrixSelector>();
  EXPECT_EQ(ms.range_ms(), 300000);
  EXPECT_EQ(ms.selector().modifiers().offset_ms, -60000);
  EXPECT_EQ(ms.selector().modifiers().at_ms, 100000);

  r = ParseExpr("x @ end()");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->As<VectorSelector>().modifiers().at_start_end, AtStartEnd::kEnd);
  EXPECT_FALSE((*r)->As<VectorSelector>().modifiers().at_ms.has_value());
}

TEST(Parser, SubqueryStepDefaultsToZero) {
  Result<ExprPtr> r = ParseExpr("max_over_time(rate(x[1m])[1h:] offset 5m)");
  ASSERT_TRUE(r.ok());
  const auto& sq = (*r)->As<Call>().args()[0]->As<SubqueryExpr>();
  EXPECT_EQ(sq.range_ms(), 3600000);
  EXPECT_EQ(sq.step_ms(), 0);
  EXPECT_EQ(sq.modifiers().offset_ms, 300000);
}

TEST(Parser, VectorMatchingOnlyBetweenInstantVectors) {
  Result<ExprPtr> r = ParseExpr("a * on(b) group_left(c) d");
  ASSERT_TRUE(r.ok());
  const auto& b = (*r)->As<BinaryExpr>();
  ASSERT_TRUE(b.matching().has_value());
  EXPECT_EQ(b.matching()->card, VectorMatchCardinality::kManyToOne);
  EXPECT_TRUE(b.matching()->on);
  EXPECT_EQ(b.matching()->matching_labels, std::vector<std::string>{"b"});
  EXPECT_EQ(b.matching()->include, std::vector<std::string>{"c"});

  r = ParseExpr("a and b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->As<BinaryExpr>().matching()->card, VectorMatchCardinality::kManyToMany);

  r = ParseExpr("a + 1");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->As<BinaryExpr>().matching().has_value());
  EXPECT_EQ((*r)->type(), ValueType::kVector);

  r = ParseExpr("1 + 2");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->As<BinaryExpr>().matching().has_value());
  EXPECT_EQ((*r)->type(), ValueType::kScalar);

  r = ParseExpr("a > bool b");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->As<BinaryExpr>().return_bool());
  EXPECT_EQ((*r)->As<BinaryExpr>().matching()->card, VectorMatchCardinality::kOneToOne);
}

TEST(Parser, AggregationParams) {
  Result<ExprPtr> r = ParseExpr("sum without (a) (x)");
  ASSERT_TRUE(r.ok());
  const auto& s = (*r)->As<AggregateExpr>();
  EXPECT_EQ(s.op(), AggregateOp::kSum);
  EXPECT_EQ(s.param(), nullptr);
  EXPECT_TRUE(s.without());

  r = ParseExpr("count_values(\"v\", x) by (a)");
  ASSERT_TRUE(r.ok());
  const auto& c = (*r)->As<AggregateExpr>();
  ASSERT_NE(c.param(), nullptr);
  EXPECT_EQ(c.param()->As<StringLiteral>().value(), "v");
  EXPECT_EQ(c.grouping(), std::vector<std::string>{"a"});
}

TEST(Parser, KeywordsAsNames) {
  EXPECT_EQ(Answer("sum by (and, on, bool) (offset)"), "sum by (and, on, bool) (offset)");
  EXPECT_EQ(Answer("x{on=\"a\", by=\"b\"}"), "x{by=\"b\",on=\"a\"}");
  EXPECT_EQ(Answer("start + end"), "start + end");
}

TEST(Parser, ErrorsCarryLineAndColumn) {
  Result<ExprPtr> r = ParseExpr("sum(rate(x[5m]))\n  + )");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "2:6: parse error: unexpected right parenthesis ')'");
}

TEST(Parser, CloneAndEquals) {
  Result<ExprPtr> a = ParseExpr("x{b=\"1\", a=\"2\"} + on(c) group_right(d) topk(3, max_over_time(y[5m:1m] @ 1))");
  Result<ExprPtr> b = ParseExpr("x{a=\"2\", b=\"1\"} + on(c) group_right(d) topk(3, max_over_time(y[5m:1m] @ 1))");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->Equals(**b));  // matcher order does not matter
  ExprPtr c = (*a)->Clone();
  EXPECT_TRUE(c->Equals(**a));
  EXPECT_EQ(c->String(), (*a)->String());
  Result<ExprPtr> d = ParseExpr("x{a=\"2\", b=\"1\"} + on(c) group_right(d) topk(4, max_over_time(y[5m:1m] @ 1))");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*a)->Equals(**d));
}

TEST(ParseMetricSelector, ReturnsMatchersNameFirst) {
  Result<std::vector<tsdb::Matcher>> r = ParseMetricSelector("up{job=\"api\"}");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name(), "__name__");
  EXPECT_EQ((*r)[1].name(), "job");
  r = ParseMetricSelector("{code=~\"5..\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 1u);
  EXPECT_FALSE(ParseMetricSelector("up + 1").ok());
  EXPECT_FALSE(ParseMetricSelector("rate(x[5m])").ok());
  EXPECT_EQ(ParseMetricSelector("up{").status().message(),
            "1:4: parse error: unexpected end of input inside braces");
}

TEST(Duration, ParsesPrometheusSyntax) {
  EXPECT_EQ(*ParseDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParseDuration("500ms"), 500);
  EXPECT_EQ(*ParseDuration("1y"), 365LL * 86400000);
  EXPECT_EQ(*ParseDuration("1w"), 7LL * 86400000);
  EXPECT_EQ(*ParseDuration("1d"), 86400000);
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("1y2w3d4h5m6s7ms"), 33019506007LL);
  EXPECT_FALSE(ParseDuration("1m1h").ok());
  EXPECT_FALSE(ParseDuration("5m5m").ok());
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_EQ(ParseDuration("300y").status().message(), "duration out of range");
  EXPECT_EQ(ParseDuration("1x").status().message(), "not a valid duration string: \"1x\"");
}

TEST(Duration, FormatsLikePrometheus) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(5400000), "1h30m");
  EXPECT_EQ(FormatDuration(86400000), "1d");
  EXPECT_EQ(FormatDuration(7 * 86400000LL), "1w");
  EXPECT_EQ(FormatDuration(365 * 86400000LL), "1y");
  EXPECT_EQ(FormatDuration(90 * 86400000LL), "90d");
  EXPECT_EQ(FormatDuration(1500), "1s500ms");
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  Result<ExprPtr> r = ParseExpr(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nests too deeply"), std::string::npos);

  std::string chain = "x";
  for (int i = 0; i < 100000; ++i) chain += " + x";
  EXPECT_FALSE(ParseExpr(chain).ok());

  std::string pow = "x";
  for (int i = 0; i < 200000; ++i) pow += "^x";
  EXPECT_FALSE(ParseExpr(pow).ok());

  std::string unary(100000, '-');
  EXPECT_FALSE(ParseExpr(unary + "x").ok());

  std::string fine = "x";
  for (int i = 0; i < 500; ++i) fine += " + x";
  EXPECT_TRUE(ParseExpr(fine).ok());
}

TEST(Parser, LongFlatInputIsFast) {
  std::string q = "x{a=~\"";
  q += std::string(1 << 20, 'a');
  q += "\"}";
  EXPECT_TRUE(ParseExpr(q).ok());
  std::string args = "label_join(x, \"a\", \",\"";
  for (int i = 0; i < 20000; ++i) args += ", \"b\"";
  args += ")";
  EXPECT_TRUE(ParseExpr(args).ok());
}

}  // namespace
}  // namespace pharos::promql
