#include "tsdb/postings_cache.h"

namespace pharos::tsdb {

namespace {
size_t Cost(const std::string& key, const std::vector<uint64_t>& list) {
  return key.size() + list.size() * sizeof(uint64_t) + 64;
}
}  // namespace

PostingsCache::List PostingsCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.list;
}

uint64_t PostingsCache::generation() const {
  std::lock_guard<std::mutex> l(mu_);
  return generation_;
}

void PostingsCache::Put(const std::string& key, List list, uint64_t generation) {
  const size_t cost = Cost(key, *list);
  if (cost > budget_) return;
  std::lock_guard<std::mutex> l(mu_);
  if (generation != generation_ || map_.count(key)) return;
  while (used_ + cost > budget_ && !lru_.empty()) {
    auto old = map_.find(lru_.back());
    used_ -= Cost(old->first, *old->second.list);
    map_.erase(old);
    lru_.pop_back();
  }
  lru_.push_front(key);
  map_.emplace(key, Entry{std::move(list), lru_.begin()});
  used_ += cost;
}

void PostingsCache::Invalidate() {
  std::lock_guard<std::mutex> l(mu_);
  ++generation_;
  map_.clear();
  lru_.clear();
  used_ = 0;
}

}  // namespace pharos::tsdb
