#include "tsdb/postings_cache.h"

#include <gtest/gtest.h>

namespace pharos::tsdb {
namespace {

PostingsCache::List Ids(std::vector<uint64_t> v) {
  return std::make_shared<const std::vector<uint64_t>>(std::move(v));
}

TEST(PostingsCache, ServesWhatWasPut) {
  PostingsCache cache;
  EXPECT_EQ(cache.Get("a"), nullptr);
  cache.Put("a", Ids({1, 2, 3}), cache.generation());
  ASSERT_NE(cache.Get("a"), nullptr);
  EXPECT_EQ(*cache.Get("a"), (std::vector<uint64_t>{1, 2, 3}));
}

TEST(PostingsCache, ReadsFromBeforeAnInvalidationAreNotCached) {
  PostingsCache cache;
  const uint64_t before = cache.generation();
  cache.Invalidate();  // an index write landed while the list was read
  cache.Put("a", Ids({1}), before);
  EXPECT_EQ(cache.Get("a"), nullptr);
  cache.Put("a", Ids({1, 2}), cache.generation());
  EXPECT_EQ(cache.Get("a")->size(), 2u);
  cache.Invalidate();
  EXPECT_EQ(cache.Get("a"), nullptr);
}

TEST(PostingsCache, EvictsLeastRecentlyUsedWithinBudget) {
  PostingsCache cache(/*budget_bytes=*/3 * (8 * 100 + 64 + 1));
  std::vector<uint64_t> hundred(100, 7);
  for (const char* k : {"a", "b", "c"}) cache.Put(k, Ids(hundred), cache.generation());
  ASSERT_NE(cache.Get("a"), nullptr);  // "a" is now the most recent
  cache.Put("d", Ids(hundred), cache.generation());
  EXPECT_NE(cache.Get("a"), nullptr);
  EXPECT_EQ(cache.Get("b"), nullptr);
  EXPECT_NE(cache.Get("d"), nullptr);
}

}  // namespace
}  // namespace pharos::tsdb
