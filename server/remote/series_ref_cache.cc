#include "server/remote/series_ref_cache.h"

namespace pharos::server {
namespace {

constexpr size_t kFirstSlots = 1024;

// The shard is picked by the low bits; slots use the high ones.
size_t SlotIndex(uint64_t hash, size_t mask) { return (hash >> 32) & mask; }

}  // namespace

size_t SeriesRefCache::Probe(const std::vector<Slot>& slots, uint64_t hash, std::string_view key) {
  const size_t mask = slots.size() - 1;
  for (size_t i = SlotIndex(hash, mask);; i = (i + 1) & mask) {
    const Slot& slot = slots[i];
    if (slot.entry == nullptr || (slot.hash == hash && slot.entry->key == key)) return i;
  }
}

void SeriesRefCache::Shard::Grow() {
  std::vector<Slot> old = std::move(slots);
  slots.assign(old.size() * 2, Slot{});
  const size_t mask = slots.size() - 1;
  for (Slot& s : old) {
    if (s.entry == nullptr) continue;
    size_t i = SlotIndex(s.hash, mask);
    while (slots[i].entry != nullptr) i = (i + 1) & mask;
    slots[i] = std::move(s);
  }
}

SeriesRefCache::EntryPtr SeriesRefCache::Find(uint64_t hash, std::string_view key) const {
  const Shard& s = shards_[hash % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  if (s.slots.empty()) return nullptr;
  return s.slots[Probe(s.slots, hash, key)].entry;
}

void SeriesRefCache::Put(uint64_t hash, std::string_view key, const tsdb::Labels& labels,
                         tsdb::SeriesRef ref) {
  Shard& s = shards_[hash % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  if (s.slots.empty()) s.slots.resize(kFirstSlots);
  if (Slot& slot = s.slots[Probe(s.slots, hash, key)]; slot.entry != nullptr) {
    slot.entry->ref.store(ref, std::memory_order_relaxed);
    return;
  }
  if (s.used >= max_per_shard_) {
    s.slots.assign(kFirstSlots, Slot{});
    s.used = 0;
  } else if (2 * (s.used + 1) > s.slots.size()) {
    s.Grow();
  }
  Slot& slot = s.slots[Probe(s.slots, hash, key)];
  slot.hash = hash;
  slot.entry = std::make_shared<Entry>(key, labels, ref);
  ++s.used;
}

}  // namespace pharos::server
