#include "tsdb/labels.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <cmath>

#include "tsdb/matcher.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {
namespace {

TEST(Labels, SortsAndDropsEmptyValues) {
  Labels l({{"job", "api"}, {"__name__", "up"}, {"zone", ""}});
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "__name__");
  EXPECT_EQ(l.MetricName(), "up");
  EXPECT_EQ(l.Get("job"), "api");
  EXPECT_EQ(l.Get("zone"), "");
  EXPECT_EQ(l.ToString(), "up{job=\"api\"}");
}

TEST(Labels, EqualSetsHashEqual) {
  Labels a({{"a", "1"}, {"b", "2"}});
  Labels b({{"b", "2"}, {"a", "1"}});
  Labels c({{"a", "1"}, {"b", "3"}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hash(), b.Hash());
  EXPECT_NE(a.Hash(), c.Hash());
  EXPECT_LT(a, c);
}

TEST(Labels, CompareOrdersPrefixFirst) {
  Labels a({{"a", "1"}});
  Labels b({{"a", "1"}, {"b", "1"}});
  EXPECT_LT(Compare(a, b), 0);
  EXPECT_GT(Compare(b, a), 0);
  EXPECT_EQ(Compare(a, a), 0);
}

TEST(Labels, ValidateRejectsBadInput) {
  EXPECT_FALSE(Labels::Validate({}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", ""}}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", "1"}, {"a", "2"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"1a", "x"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", "\xff\xfe"}}).ok());
  EXPECT_FALSE(Labels::Validate({{"a", "\xc0\xaf"}}).ok());  // overlong
  EXPECT_TRUE(Labels::Validate({{"a", "héllo"}, {"b", ""}}).ok());
}

TEST(Labels, WithWithoutOnly) {
  Labels l({{"__name__", "m"}, {"a", "1"}, {"b", "2"}});
  EXPECT_EQ(l.Without({"a"}), Labels({{"__name__", "m"}, {"b", "2"}}));
  EXPECT_EQ(l.Only({"a", "zz"}), Labels({{"a", "1"}}));
  EXPECT_EQ(l.With("a", "9").Get("a"), "9");
  EXPECT_FALSE(l.With("a", "").Has("a"));
}

TEST(Matcher, EqualityAndAbsentLabels) {
  auto m = Matcher::Make(MatchType::kEqual, "job", "");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches(""));
  EXPECT_FALSE(m->Matches("x"));
  auto ne = Matcher::Make(MatchType::kNotEqual, "job", "a");
  EXPECT_TRUE(ne->Matches("b"));
  EXPECT_FALSE(ne->Matches("a"));
}

TEST(Matcher, RegexIsFullyAnchored) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "x", "a.c");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("abc"));
  EXPECT_FALSE(m->Matches("xabc"));
  EXPECT_FALSE(m->Matches("abcx"));
  auto alt = Matcher::Make(MatchType::kRegexMatch, "x", "a|bc");
  EXPECT_FALSE(alt->Matches("abc"));
  EXPECT_TRUE(alt->Matches("bc"));
}

TEST(Matcher, FastPathsAgreeWithRegex) {
  for (const char* pat : {".*", ".+", "foo", "a|b|c", "", "5..", "(a|b)+"}) {
    for (MatchType t : {MatchType::kRegexMatch, MatchType::kRegexNoMatch}) {
      auto m = Matcher::Make(t, "x", pat);
      ASSERT_TRUE(m.ok()) << pat;
      for (const char* v : {"", "a", "b", "foo", "ab", "500", "c", "fo"}) {
        bool want = RE2::FullMatch(v, std::string("(?s:") + pat + ")");
        if (t == MatchType::kRegexNoMatch) want = !want;
        EXPECT_EQ(m->Matches(v), want) << pat << " vs " << v;
      }
    }
  }
}

TEST(Matcher, SetMatchesForLiteralAlternation) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "code", "500|200|404");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->SetMatches(), (std::vector<std::string>{"200", "404", "500"}));
  auto r = Matcher::Make(MatchType::kRegexMatch, "code", "5..");
  EXPECT_TRUE(r->SetMatches().empty());
}

TEST(Matcher, DotMatchesNewline) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "x", "a.b");
  EXPECT_TRUE(m->Matches("a\nb"));
}

TEST(Matcher, BadRegexIsAnError) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "x", "a(b");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("error parsing regexp"), std::string::npos);
}

TEST(Sample, StaleMarkerIsASpecificNaN) {
  EXPECT_TRUE(IsStaleNaN(kStaleNaN));
  EXPECT_FALSE(IsStaleNaN(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(std::isnan(kStaleNaN));
}

}  // namespace
}  // namespace pharos::tsdb
