// SeriesRefCache: label set → (Labels, SeriesRef) for the remote-write
// receiver, so a steady stream of the same series skips building label sets
// and the head's label lookup. Keyed by a hash of the wire labels and
// checked label by label, so a hash collision costs a miss, never a wrong
// series. Bounded: past `max_entries` it starts over.
//
// Thread-safe (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <memory>
#include <unordered_map>
#include <vector>

#include "server/remote/write_request.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::server {

class SeriesRefCache {
 public:
  // Default: 4 million series.
  explicit SeriesRefCache(size_t max_entries = 4'000'000) : max_per_shard_(max_entries / kShards) {}

  struct Entry {
    tsdb::Labels labels;
    tsdb::SeriesRef ref = 0;
  };

  // Hash of wire labels as they arrive (order included).
  static uint64_t Hash(const WireLabel* labels, size_t n);

  using EntryPtr = std::shared_ptr<const Entry>;

  // The entry for these wire labels, or null.
  EntryPtr Find(uint64_t hash, const WireLabel* labels, size_t n) const;
  // Adds or replaces the entry for e.labels.
  void Put(uint64_t hash, Entry e);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_multimap<uint64_t, EntryPtr> map;  // GUARDED_BY(mu)
  };
  size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace pharos::server
