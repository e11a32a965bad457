#include "server/scrape/scrape_cache.h"

#include <algorithm>
#include <cstring>

namespace pharos::server::scrape {

namespace {

constexpr uint64_t kP1 = 0x9e3779b185ebca87ULL;
constexpr uint64_t kP2 = 0xc2b2ae3d27d4eb4fULL;

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

// Two independent 64-bit lanes over the text in one pass.
void HashText(std::string_view s, uint64_t out[2]) {
  uint64_t a = 0x27d4eb2f165667c5ULL ^ s.size();
  uint64_t b = 0x165667b19e3779f9ULL + s.size() * kP1;
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    a = Rotl(a + w * kP2, 31) * kP1;
    b = Rotl(b ^ (w * kP1), 29) * kP2;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  a = Rotl(a + tail * kP2, 31) * kP1;
  b = Rotl(b ^ (tail * kP1), 29) * kP2;
  out[0] = Avalanche(a);
  out[1] = Avalanche(b ^ a);
}

bool SameHash(const uint64_t a[2], const uint64_t b[2]) { return a[0] == b[0] && a[1] == b[1]; }

}  // namespace

void ScrapeCache::BeginScrape() {
  ++iter_;
  seen_ = 0;
  cur_.clear();
  order_.clear();
  next_ = 0;
}

ScrapeCache::Entry* ScrapeCache::Mark(uint32_t i) {
  Entry& e = entries_[i];
  if (e.last_iter != iter_) ++seen_;
  e.last_iter = iter_;
  order_.push_back(i);
  return &e;
}

uint32_t* ScrapeCache::Slot(const uint64_t hash[2]) {
  const size_t mask = index_.size() - 1;
  for (size_t i = hash[0] & mask;; i = (i + 1) & mask) {
    uint32_t& slot = index_[i];
    if (slot == 0 || SameHash(entries_[slot - 1].hash, hash)) return &slot;
  }
}

void ScrapeCache::RebuildIndex(size_t entries) {
  size_t cap = 16;
  while (cap < 2 * entries + 2) cap *= 2;
  index_.assign(cap, 0);
  for (uint32_t i = 0; i < entries_.size(); ++i) *Slot(entries_[i].hash) = i + 1;
}

ScrapeCache::Entry* ScrapeCache::Find(std::string_view series) {
  uint64_t hash[2];
  HashText(series, hash);
  // The last scrape's entries are in entries_ in no particular order:
  // fetch the ones the guess will need a few series ahead.
  if (next_ + 4 < last_order_.size()) __builtin_prefetch(&entries_[last_order_[next_ + 4]]);
  uint32_t i;
  if (next_ < last_order_.size() && SameHash(entries_[last_order_[next_]].hash, hash)) {
    i = last_order_[next_];
  } else {
    if (index_.empty()) return nullptr;
    uint32_t slot = *Slot(hash);
    if (slot == 0) return nullptr;
    i = slot - 1;
  }
  // Predict the series that followed this one last time; an entry not in
  // the last scrape leaves the guess where it was.
  const uint32_t order = entries_[i].order;
  if (order < last_order_.size() && last_order_[order] == i) next_ = order + 1;
  return Mark(i);
}

ScrapeCache::Entry* ScrapeCache::Insert(std::string_view series, bool dropped) {
  uint64_t hash[2];
  HashText(series, hash);
  // At most half full, so probes stay short.
  if (2 * (entries_.size() + 1) + 2 > index_.size()) RebuildIndex(entries_.size() + 1);
  uint32_t* slot = Slot(hash);
  if (*slot == 0) {
    entries_.push_back({});
    *slot = static_cast<uint32_t>(entries_.size());
  }
  const uint32_t i = *slot - 1;
  Entry& e = entries_[i];
  e = Entry{};
  e.hash[0] = hash[0];
  e.hash[1] = hash[1];
  e.dropped = dropped;
  e.order = UINT32_MAX;
  return Mark(i);
}

void ScrapeCache::ForEachStale(const std::function<void(Entry&)>& fn) {
  for (uint32_t i : prev_) {
    if (entries_[i].last_iter != iter_) fn(entries_[i]);
  }
}

void ScrapeCache::EndScrape(bool flush) {
  prev_.swap(cur_);
  cur_.clear();
  // Entries in order_ were seen in this iteration, so Evict() keeps them.
  last_order_.swap(order_);
  order_.clear();
  if (flush && entries_.size() > seen_) Evict();
  for (size_t i = 0; i < last_order_.size(); ++i) {
    entries_[last_order_[i]].order = static_cast<uint32_t>(i);
  }
  if (!flush) return;
  std::lock_guard<std::mutex> lock(meta_mu_);
  for (auto it = meta_.begin(); it != meta_.end();) {
    if (iter_ - it->second.last_iter > 10) {
      it = meta_.erase(it);
    } else {
      ++it;
    }
  }
}

void ScrapeCache::Evict() {
  std::vector<uint32_t> moved(entries_.size(), UINT32_MAX);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].last_iter != iter_) continue;
    moved[i] = kept;
    entries_[kept++] = entries_[i];
  }
  entries_.resize(kept);
  for (uint32_t& i : prev_) i = moved[i];
  for (uint32_t& i : last_order_) i = moved[i];
  RebuildIndex(entries_.size());
}

ScrapeCache::MetaEntry& ScrapeCache::Meta(std::string_view metric) {
  auto it = meta_.find(metric);
  if (it == meta_.end()) {
    it = meta_.try_emplace(std::string(metric)).first;
    it->second.meta.metric.assign(metric);
  }
  it->second.last_iter = iter_;
  return it->second;
}

void ScrapeCache::SetType(std::string_view metric, MetricType type) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  Meta(metric).meta.type = type;
}

void ScrapeCache::SetHelp(std::string_view metric, std::string_view help) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  std::string& h = Meta(metric).meta.help;
  if (h != help) h.assign(help);
}

void ScrapeCache::SetUnit(std::string_view metric, std::string_view unit) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  std::string& u = Meta(metric).meta.unit;
  if (u != unit) u.assign(unit);
}

std::vector<ScrapeCache::Metadata> ScrapeCache::ListMetadata() const {
  std::vector<Metadata> out;
  {
    std::lock_guard<std::mutex> lock(meta_mu_);
    out.reserve(meta_.size());
    for (const auto& [name, e] : meta_) out.push_back(e.meta);
  }
  std::sort(out.begin(), out.end(),
            [](const Metadata& a, const Metadata& b) { return a.metric < b.metric; });
  return out;
}

bool ScrapeCache::GetMetadata(std::string_view metric, Metadata* out) const {
  std::lock_guard<std::mutex> lock(meta_mu_);
  auto it = meta_.find(metric);
  if (it == meta_.end()) return false;
  *out = it->second.meta;
  return true;
}

}  // namespace pharos::server::scrape
