#include "tsdb/head/series_map.h"

#include <algorithm>
#include <bit>

namespace pharos::tsdb {

void SeriesMap::Reserve(size_t n) {
  size_t want = std::bit_ceil(n + n / 3 + 16);
  if (want > slots_.size()) Rehash(want);
}

void SeriesMap::Insert(uint64_t key, MemSeries* value) {
  // Keep the load, tombstones included, under 3/4.
  if ((used_ + 1) * 4 > slots_.size() * 3) {
    Rehash(live_ * 2 + 2 > slots_.size() ? std::max<size_t>(16, slots_.size() * 2)
                                         : slots_.size());
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.value == nullptr || s.value == Tombstone()) {
      if (s.value == nullptr) ++used_;
      s = {key, value};
      ++live_;
      return;
    }
  }
}

bool SeriesMap::Erase(uint64_t key, const MemSeries* value) {
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.value == nullptr) return false;
    if (s.key == key && s.value == value) {
      s.value = Tombstone();
      --live_;
      return true;
    }
  }
}

void SeriesMap::Rehash(size_t capacity) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.resize(capacity);
  live_ = used_ = 0;
  for (const Slot& s : old) {
    if (s.value != nullptr && s.value != Tombstone()) Insert(s.key, s.value);
  }
}

}  // namespace pharos::tsdb
