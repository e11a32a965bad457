// MemSeries: one series in the head: its interned labels, its open chunk
// and the sealed chunks that are not yet persisted to RocksDB.
//
// Thread-safety: `id` and the label ids are immutable. Everything
// else is guarded by the Head's stripe lock for the series
// (Head::LockFor()), except that `last_t` may be read without it.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {

// A chunk that is full (or ended at a partition boundary) and waits to be
// persisted. `bytes` is an encoded XOR chunk.
struct SealedChunk {
  int64_t mint;
  int64_t maxt;
  std::string bytes;
};

// The sealed chunks of a series. Usually there are none, so an empty list
// costs one pointer.
class SealedList {
 public:
  bool empty() const { return v_ == nullptr || v_->empty(); }
  size_t size() const { return v_ == nullptr ? 0 : v_->size(); }
  const SealedChunk& operator[](size_t i) const { return (*v_)[i]; }
  SealedChunk* begin() { return v_ == nullptr ? nullptr : v_->data(); }
  SealedChunk* end() { return v_ == nullptr ? nullptr : v_->data() + v_->size(); }
  const SealedChunk* begin() const { return v_ == nullptr ? nullptr : v_->data(); }
  const SealedChunk* end() const { return v_ == nullptr ? nullptr : v_->data() + v_->size(); }

  void push_back(SealedChunk c) {
    if (v_ == nullptr) v_ = std::make_unique<std::vector<SealedChunk>>();
    v_->push_back(std::move(c));
  }
  std::vector<SealedChunk> Copy() const {
    return v_ == nullptr ? std::vector<SealedChunk>{} : *v_;
  }
  // Drops the first n chunks.
  void EraseFront(size_t n) {
    v_->erase(v_->begin(), v_->begin() + static_cast<ptrdiff_t>(n));
    if (v_->empty()) v_.reset();
  }
  template <typename Pred>
  void EraseIf(Pred&& pred) {
    if (v_ == nullptr) return;
    std::erase_if(*v_, pred);
    if (v_->empty()) v_.reset();
  }

 private:
  std::unique_ptr<std::vector<SealedChunk>> v_;
};

// Fields are ordered to pack: a million of these live in memory.
struct MemSeries {
  MemSeries(uint64_t id, std::unique_ptr<uint32_t[]> label_ids, uint16_t num_labels)
      : id(id), label_ids(std::move(label_ids)), num_labels(num_labels) {}

  const uint64_t id;
  // Name and value symbol ids, alternating, sorted by name.
  const std::unique_ptr<uint32_t[]> label_ids;

  // --- guarded by the series' stripe lock ---
  // Newest sample (kMinTime when none). Atomic so appenders can pre-check
  // ordering without the lock; written only under the lock.
  std::atomic<int64_t> last_t{kMinTime};
  double last_v = 0;
  uint64_t applied_seq = 0;    // WAL record that last changed the series
  int64_t indexed_partition = kMinTime;  // newest partition holding its index
  XorChunk open;
  SealedList sealed;

  const uint16_t num_labels;
  bool has_open = false;
  bool dirty = false;             // changed since its last snapshot
  bool labels_persisted = false;  // its labels are in the series CF

  // --- guarded by the Db's commit lock ---
  bool removed = false;  // dropped from the head by garbage collection
};

}  // namespace pharos::tsdb
