// SeriesMap: an open-addressing hash table from a 64-bit key (a series id or
// a label-set hash) to MemSeries*. Equal keys may repeat, since distinct
// label sets can share a hash. One slot is 16 bytes and a lookup usually
// touches one cache line, which matters with millions of series: the node
// based std::unordered_map costs three dependent cache misses and ~40 bytes
// per entry.
//
// Thread-compatible: the Head guards it with its registry lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pharos::tsdb {

struct MemSeries;

class SeriesMap {
 public:
  // With `dense_keys` (series ids, handed out in sequence) a key is its own
  // slot, so neighbouring ids share cache lines; other keys are scrambled.
  explicit SeriesMap(bool dense_keys) : dense_(dense_keys) {}

  size_t size() const { return live_; }

  // Makes room for `n` entries without growing again.
  void Reserve(size_t n);

  void Insert(uint64_t key, MemSeries* value);

  // The first entry under `key` for which pred(value) is true, or nullptr.
  template <typename Pred>
  MemSeries* Find(uint64_t key, Pred&& pred) const {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.value == nullptr) return nullptr;
      if (s.key == key && s.value != Tombstone() && pred(s.value)) return s.value;
    }
  }

  // Removes the entry (key, value); false when absent.
  bool Erase(uint64_t key, const MemSeries* value);

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.value != nullptr && s.value != Tombstone()) fn(s.value);
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    MemSeries* value = nullptr;  // nullptr: never used; Tombstone(): erased
  };
  static MemSeries* Tombstone() { return reinterpret_cast<MemSeries*>(uintptr_t{1}); }
  size_t Home(uint64_t key) const {
    if (dense_) return static_cast<size_t>(key);
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<size_t>(key);
  }
  void Rehash(size_t capacity);

  const bool dense_;
  std::vector<Slot> slots_;  // size is zero or a power of two
  size_t live_ = 0;          // entries
  size_t used_ = 0;          // entries plus tombstones
};

}  // namespace pharos::tsdb
