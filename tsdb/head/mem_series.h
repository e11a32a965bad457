// MemSeries: one series in the head: its interned labels, its open chunk
// and the sealed chunks that are not yet persisted to RocksDB.
//
// Thread-safety: `id`, `hash` and the label ids are immutable. Everything
// else is guarded by the Head's stripe lock for the series
// (Head::LockFor()), except that `last_t` may be read without it.
#pragma once

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

struct MemSeries {
  MemSeries(uint64_t id, uint64_t hash, std::unique_ptr<uint32_t[]> label_ids,
            uint16_t num_labels)
      : id(id), hash(hash), label_ids(std::move(label_ids)), num_labels(num_labels) {}

  const uint64_t id;
  const uint64_t hash;  // Labels::Hash() of the series
  // Name and value symbol ids, alternating, sorted by name.
  const std::unique_ptr<uint32_t[]> label_ids;
  const uint16_t num_labels;

  // --- guarded by the series' stripe lock ---
  bool has_open = false;
  XorChunk open;
  std::vector<SealedChunk> sealed;
  // Newest sample (kMinTime when none). Atomic so appenders can pre-check
  // ordering without the lock; written only under the lock.
  std::atomic<int64_t> last_t{kMinTime};
  double last_v = 0;
  uint64_t applied_seq = 0;    // WAL record that last changed the series
  int64_t indexed_partition = kMinTime;  // newest partition holding its index
  bool dirty = false;          // changed since its last snapshot
  bool labels_persisted = false;  // its labels are in the series CF

  // --- guarded by the Db's commit lock ---
  bool removed = false;  // dropped from the head by garbage collection
};

}  // namespace pharos::tsdb
