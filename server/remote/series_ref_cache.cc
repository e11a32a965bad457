#include "server/remote/series_ref_cache.h"

namespace pharos::server {

uint64_t SeriesRefCache::Hash(const WireLabel* labels, size_t n) {
  uint64_t h = 0x51ed27u;
  for (size_t i = 0; i < n; ++i) {
    h = tsdb::HashBytes(labels[i].name.data(), labels[i].name.size(), h ^ 0xa5);
    h = tsdb::HashBytes(labels[i].value.data(), labels[i].value.size(), h ^ 0x5a);
  }
  return h;
}

namespace {

bool SameLabels(const tsdb::Labels& have, const WireLabel* labels, size_t n) {
  if (have.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (have[i].name != labels[i].name || have[i].value != labels[i].value) return false;
  }
  return true;
}

}  // namespace

SeriesRefCache::EntryPtr SeriesRefCache::Find(uint64_t hash, const WireLabel* labels,
                                              size_t n) const {
  const Shard& s = shards_[hash % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  auto [first, last] = s.map.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (SameLabels(it->second->labels, labels, n)) return it->second;
  }
  return nullptr;
}

void SeriesRefCache::Put(uint64_t hash, Entry e) {
  Shard& s = shards_[hash % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  auto [first, last] = s.map.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (it->second->labels == e.labels) {
      it->second = std::make_shared<const Entry>(std::move(e));
      return;
    }
  }
  if (s.map.size() >= max_per_shard_) s.map.clear();
  s.map.emplace(hash, std::make_shared<const Entry>(std::move(e)));
}

}  // namespace pharos::server
