#include "tests/promql/memory_storage.h"

#include <gtest/gtest.h>

namespace pharos::promql {
namespace {

tsdb::Matcher M(tsdb::MatchType t, std::string n, std::string v) {
  return *tsdb::Matcher::Make(t, std::move(n), std::move(v));
}

TEST(MemoryStorage, SelectsSortedSeriesWithinRange) {
  MemoryStorage s;
  tsdb::Labels b{{"__name__", "m"}, {"i", "b"}};
  tsdb::Labels a{{"__name__", "m"}, {"i", "a"}};
  s.Add(b, 20, 2);
  s.Add(b, 10, 1);
  s.Add(a, 30, 3);
  s.Add(tsdb::Labels{{"__name__", "other"}}, 10, 9);
  auto q = s.NewQuerier(0, 100);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({.start = 15, .end = 100}, {M(tsdb::MatchType::kEqual, "__name__", "m")});
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(set->At().labels(), a);
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(set->At().labels(), b);
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At(), (tsdb::Sample{20, 2}));  // 10 is before the range
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(set->Next());

  auto values = (*q)->LabelValues("i", {M(tsdb::MatchType::kRegexMatch, "i", "a|b")});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"a", "b"}));
  auto names = (*q)->LabelNames({M(tsdb::MatchType::kEqual, "__name__", "other")});
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__"}));
}

TEST(MemoryStorage, SeekAndReplace) {
  MemoryStorage s;
  tsdb::Labels l{{"__name__", "m"}};
  for (int t = 0; t < 10; ++t) s.Add(l, t * 10, t);
  s.Add(l, 50, 42);
  auto q = s.NewQuerier(0, 1000);
  auto set = (*q)->Select({}, {M(tsdb::MatchType::kEqual, "__name__", "m")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(45));
  EXPECT_EQ(it->At(), (tsdb::Sample{50, 42}));
  ASSERT_TRUE(it->Seek(10));  // stays put
  EXPECT_EQ(it->At().t, 50);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t, 60);
  EXPECT_FALSE(it->Seek(1000));
}

}  // namespace
}  // namespace pharos::promql
