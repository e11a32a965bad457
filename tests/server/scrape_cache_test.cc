// ScrapeCache: lookups by series text stay exact whatever order a target
// writes its series in, and staleness tracks what the last scrape saw.
#include "server/scrape/scrape_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pharos::server::scrape {
namespace {

// One scrape over `series`: finds each text, inserting the unknown ones
// (their ref is the text's first character, so a wrong hit shows), and
// returns the texts that went stale.
std::vector<std::string> Scrape(ScrapeCache& cache, const std::vector<std::string>& series) {
  cache.BeginScrape();
  for (const std::string& s : series) {
    ScrapeCache::Entry* e = cache.Find(s);
    if (e == nullptr) {
      e = cache.Insert(s, tsdb::Labels({{"__name__", s}}), false);
      e->ref = static_cast<tsdb::SeriesRef>(s[0]);
    }
    EXPECT_EQ(*e->key, s);
    EXPECT_EQ(e->labels.MetricName(), s);
    EXPECT_EQ(e->ref, static_cast<tsdb::SeriesRef>(s[0]));
    cache.Seen(e);
  }
  std::vector<std::string> stale;
  cache.ForEachStale([&](ScrapeCache::Entry& e) { stale.push_back(*e.key); });
  cache.EndScrape(/*flush=*/!series.empty());
  return stale;
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
  EXPECT_EQ(Scrape(cache, {"e", "x", "a", "c", "y", "d"}), std::vector<std::string>{"b"});
  EXPECT_EQ(cache.size(), 7u - 1u);  // "b" evicted after the flush
  EXPECT_EQ(Scrape(cache, {"a", "c", "d", "e"}), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Scrape(cache, {"d", "c", "b", "a"}), std::vector<std::string>{"e"});
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
  EXPECT_EQ(Scrape(cache, {}), (std::vector<std::string>{"a", "b"}));
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

}  // namespace
}  // namespace pharos::server::scrape
