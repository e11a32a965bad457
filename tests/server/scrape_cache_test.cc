// ScrapeCache: lookups by series text stay exact whatever order a target
// writes its series in, and staleness tracks what the last scrape saw.
#include "server/scrape/scrape_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace pharos::server::scrape {
namespace {

// One scrape over `series`: finds each text, inserting the unknown ones
// with a ref derived from the text (so a wrong hit shows), and returns the
// refs of the texts that went stale.
tsdb::SeriesRef RefOf(const std::string& s) { return std::hash<std::string>()(s) | 1; }

std::vector<tsdb::SeriesRef> Scrape(ScrapeCache& cache, const std::vector<std::string>& series) {
  cache.BeginScrape();
  for (const std::string& s : series) {
    ScrapeCache::Entry* e = cache.Find(s);
    if (e == nullptr) {
      e = cache.Insert(s, false);
      e->ref = RefOf(s);
    }
    EXPECT_EQ(e->ref, RefOf(s)) << s;
    cache.Seen(e);
  }
  std::vector<tsdb::SeriesRef> stale;
  cache.ForEachStale([&](ScrapeCache::Entry& e) { stale.push_back(e.ref); });
  cache.EndScrape(/*flush=*/!series.empty());
  return stale;
}

std::vector<tsdb::SeriesRef> Refs(const std::vector<std::string>& series) {
  std::vector<tsdb::SeriesRef> out;
  for (const std::string& s : series) out.push_back(RefOf(s));
  return out;
}

TEST(ScrapeCacheTest, SameOrderHitsEveryEntry) {
  ScrapeCache cache;
  EXPECT_TRUE(Scrape(cache, {"a", "b", "c"}).empty());
  EXPECT_TRUE(Scrape(cache, {"a", "b", "c"}).empty());
  EXPECT_EQ(cache.size(), 3u);
}

TEST(ScrapeCacheTest, ReorderedInsertedAndRemovedSeriesStayExact) {
  ScrapeCache cache;
  Scrape(cache, {"a", "b", "c", "d", "e"});
  EXPECT_EQ(Scrape(cache, {"e", "x", "a", "c", "y", "d"}), Refs({"b"}));
  EXPECT_EQ(cache.size(), 7u - 1u);  // "b" evicted after the flush
  EXPECT_EQ(Scrape(cache, {"a", "c", "d", "e"}), Refs({"x", "y"}));
  EXPECT_EQ(Scrape(cache, {"d", "c", "b", "a"}), Refs({"e"}));
}

TEST(ScrapeCacheTest, DuplicateSeriesInOneScrapeFindTheSameEntry) {
  ScrapeCache cache;
  Scrape(cache, {"a", "b", "a", "c"});
  EXPECT_TRUE(Scrape(cache, {"a", "b", "a", "c"}).empty());
  EXPECT_EQ(cache.size(), 3u);
}

TEST(ScrapeCacheTest, EmptyScrapeKeepsEntriesButReportsThemStale) {
  ScrapeCache cache;
  Scrape(cache, {"a", "b"});
  EXPECT_EQ(Scrape(cache, {}), Refs({"a", "b"}));
  EXPECT_EQ(cache.size(), 2u);  // not flushed
  EXPECT_TRUE(Scrape(cache, {"b", "a"}).empty());
}

TEST(ScrapeCacheTest, SimilarTextsAreNotConfused) {
  ScrapeCache cache;
  Scrape(cache, {"m{a=\"1\"}", "m{a=\"2\"}"});
  // The guess after m{a="1"} is m{a="2"}; a different text must miss it.
  EXPECT_TRUE(Scrape(cache, {"m{a=\"1\"}", "m{a=\"3\"}", "m{a=\"2\"}"}).empty());
  EXPECT_EQ(cache.size(), 3u);
}

TEST(ScrapeCacheTest, ManySeriesSurviveGrowthAndEviction) {
  ScrapeCache cache;
  std::vector<std::string> all;
  for (int i = 0; i < 5000; ++i) all.push_back("m{i=\"" + std::to_string(i) + "\"}");
  EXPECT_TRUE(Scrape(cache, all).empty());
  // Every third series goes away; the rest come back in reverse order.
  std::vector<std::string> kept, gone;
  for (int i = 0; i < 5000; ++i) (i % 3 == 0 ? gone : kept).push_back(all[i]);
  std::vector<std::string> reversed(kept.rbegin(), kept.rend());
  std::vector<tsdb::SeriesRef> stale = Scrape(cache, reversed);
  std::sort(stale.begin(), stale.end());
  std::vector<tsdb::SeriesRef> want = Refs(gone);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(stale, want);
  EXPECT_EQ(cache.size(), kept.size());
  EXPECT_TRUE(Scrape(cache, kept).empty());
  EXPECT_EQ(cache.size(), kept.size());
}

}  // namespace
}  // namespace pharos::server::scrape
