// Tests of server/scrape/textparse: the text format and OpenMetrics.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "server/scrape/textparse/parser.h"
#include "tsdb/sample.h"

namespace pharos::server::scrape {
namespace {

struct Got {
  std::vector<std::string> series;  // "labels value [ts]"
  std::vector<std::string> meta;    // "HELP name text", "TYPE name type", "UNIT name u"
  std::string error;
};

Got ParseAll(std::string_view body, std::string_view content_type) {
  Got g;
  auto p = Parser::New(body, content_type);
  while (true) {
    Result<Entry> e = p->Next();
    if (!e.ok()) {
      g.error = e.status().message();
      return g;
    }
    if (*e == Entry::kEof) return g;
    switch (*e) {
      case Entry::kSeries: {
        std::vector<tsdb::Label> l;
        p->AppendLabels(&l);
        std::string s;
        for (const auto& x : l) s += x.name + "=" + x.value + ",";
        char v[64];
        std::snprintf(v, sizeof v, "%g", p->value());
        s += " ";
        s += v;
        if (p->has_timestamp()) s += " @" + std::to_string(p->timestamp());
        g.series.push_back(s);
        break;
      }
      case Entry::kHelp: g.meta.push_back("HELP " + std::string(p->metric_name()) + " " + p->text()); break;
      case Entry::kType:
        g.meta.push_back("TYPE " + std::string(p->metric_name()) + " " +
                         std::string(MetricTypeName(p->type())));
        break;
      case Entry::kUnit: g.meta.push_back("UNIT " + std::string(p->metric_name()) + " " + p->text()); break;
      default: break;
    }
  }
}

constexpr std::string_view kText = "text/plain; version=0.0.4";
constexpr std::string_view kOm = "application/openmetrics-text; version=1.0.0; charset=utf-8";

TEST(PromParser, SamplesMetadataAndEscapes) {
  Got g = ParseAll(
      "# HELP go_gc A \\\\ help\\nline\n"
      "# TYPE go_gc summary\n"
      "go_gc{quantile=\"0.5\"} 1.5e-3\n"
      "  \n"
      "# a comment\n"
      "m{a=\"x\\\"y\\\\z\\n\" , b=\"2\",} +Inf 1234\n"
      "m2 -Inf\n"
      "m3\tNaN\t42\n"
      "last 7",
      kText);
  ASSERT_EQ(g.error, "");
  ASSERT_EQ(g.meta.size(), 2u);
  EXPECT_EQ(g.meta[0], "HELP go_gc A \\ help\nline");
  EXPECT_EQ(g.meta[1], "TYPE go_gc summary");
  ASSERT_EQ(g.series.size(), 5u);
  EXPECT_EQ(g.series[0], "__name__=go_gc,quantile=0.5, 0.0015");
  EXPECT_EQ(g.series[1], "__name__=m,a=x\"y\\z\n,b=2, inf @1234");
  EXPECT_EQ(g.series[2], "__name__=m2, -inf");
  EXPECT_EQ(g.series[3], "__name__=m3, nan @42");
  EXPECT_EQ(g.series[4], "__name__=last, 7");
}

TEST(PromParser, NaNIsNormalNotStale) {
  auto p = Parser::New("a NaN\n", kText);
  ASSERT_TRUE(p->Next().ok());
  EXPECT_EQ(std::bit_cast<uint64_t>(p->value()), kNormalNaNBits);
  EXPECT_FALSE(tsdb::IsStaleNaN(p->value()));
}

TEST(PromParser, SeriesTextIsStableKey) {
  auto p = Parser::New("a{b=\"c\"} 1 5\n", kText);
  ASSERT_TRUE(p->Next().ok());
  EXPECT_EQ(p->series(), "a{b=\"c\"}");
}

TEST(PromParser, Errors) {
  struct Case {
    std::string in, err;
  };
  std::vector<Case> cases = {
      {"a{b='c'} 1\n", "expected label value, got \"INVALID\""},
      {"a{b=\n", "expected label value, got \"LINEBREAK\""},
      {"a{\xff=\"foo\"} 1\n", "expected label name, got \"INVALID\""},
      {"a{b=\"\xff\"} 1\n", "invalid UTF-8 label value"},
      {"a true\n", "strconv.ParseFloat: parsing \"true\": invalid syntax"},
      {"ok 1\nsomething_weird{problem=\"", "expected label value, got \"INVALID\""},
      {"empty_label_name{=\"\"} 0", "expected label name, got \"EQUAL\""},
      {"foo 1_2\n", "unsupported character in float"},
      {"foo 0x1p-3\n", "unsupported character in float"},
      {"foo 0 1_2\n", "strconv.ParseInt: parsing \"1_2\": invalid syntax"},
      {"{a=\"ok\"} 1\n", "expected a valid start token, got \"BOPEN\""},
      {"# TYPE #\n", "expected metric name after TYPE, got \"INVALID\""},
      {"# TYPE a bogus\n", "invalid metric type \"bogus\""},
      {"a\n", "expected value after metric, got \"LINEBREAK\""},
      {"a", "expected value after metric, got \"EOF\""},
      {"a 1 2 3\n", "expected next entry after timestamp, got \"INVALID\""},
      {"\x01\x02garbage", "expected a valid start token, got \"INVALID\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseAll(c.in, kText).error, c.err) << c.in;
  }
}

TEST(PromParser, ContentTypeChoosesParser) {
  EXPECT_EQ(ParseAll("a 1\n", "").error, "");
  EXPECT_EQ(ParseAll("a 1\n", kOm).error, "data does not end with # EOF");
}

TEST(OpenMetricsParser, SamplesUnitsExemplarsCreated) {
  Got g = ParseAll(
      "# TYPE foo_seconds counter\n"
      "# UNIT foo_seconds seconds\n"
      "# HELP foo_seconds Time \\\"spent\\\".\n"
      "foo_seconds_total{a=\"b\"} 17.0 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
      "foo_seconds_created{a=\"b\"} 1520430000.123\n"
      "# TYPE st stateset\n"
      "st{st=\"a\"} 1\n"
      "# EOF\n",
      kOm);
  ASSERT_EQ(g.error, "");
  ASSERT_EQ(g.meta.size(), 4u);
  EXPECT_EQ(g.meta[1], "UNIT foo_seconds seconds");
  EXPECT_EQ(g.meta[2], "HELP foo_seconds Time \"spent\".");
  EXPECT_EQ(g.meta[3], "TYPE st stateset");
  ASSERT_EQ(g.series.size(), 3u);
  EXPECT_EQ(g.series[0], "__name__=foo_seconds_total,a=b, 17 @1520879607789");
  EXPECT_EQ(g.series[1], "__name__=foo_seconds_created,a=b, 1.52043e+09");
}

TEST(OpenMetricsParser, Errors) {
  struct Case {
    std::string in, err;
  };
  std::vector<Case> cases = {
      {"a 1\n", "data does not end with # EOF"},
      {"a 1\n# EOF\nb 2\n", "unexpected data after # EOF"},
      {"\n# EOF\n", "expected a valid start token, got \"LINEBREAK\""},
      {"# comment\n# EOF\n", "expected a valid start token, got \"INVALID\""},
      {"# UNIT foo_seconds bytes\n# EOF\n", "unit not a suffix of metric \"foo_seconds\""},
      {"# TYPE a untyped\n# EOF\n", "invalid metric type \"untyped\""},
      {"a  1\n# EOF\n", "expected value after metric, got \"WHITESPACE\""},
      {"a 1 NaN\n# EOF\n", "invalid timestamp"},
      {"a 1 # {b=\"c\"}\n# EOF\n", "expected value after exemplar labels, got \"LINEBREAK\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseAll(c.in, kOm).error, c.err) << c.in;
  }
}

TEST(Parser, TruncatedAndOversizedInputNeverCrash) {
  std::string body = "# HELP x y\n# TYPE x counter\nx{a=\"b\",c=\"d\\\"e\"} 1.5 17\n";
  for (size_t n = 0; n <= body.size(); ++n) {
    ParseAll(body.substr(0, n), kText);
    ParseAll(body.substr(0, n), kOm);
  }
  std::string big(1 << 20, 'a');
  EXPECT_EQ(ParseAll(big + " 1\n", kText).series.size(), 1u);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) & 0xff));
  ParseAll(garbage, kText);
  ParseAll(garbage, kOm);
}

}  // namespace
}  // namespace pharos::server::scrape
