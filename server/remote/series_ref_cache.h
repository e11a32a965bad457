// SeriesRefCache: a series' label fields as they arrive on the wire →
// (Labels, SeriesRef), for the remote-write receiver. A steady stream of
// the same series then costs one hash and one comparison of its label
// bytes per series and request: no label set is built, validated or looked
// up in the head again. Only label bytes that were validated and stored
// are ever put here. Bounded: past `max_entries` it starts over.
//
// Thread-safe (sharded locks).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::server {

class SeriesRefCache {
 public:
  // Default: 4 million series.
  explicit SeriesRefCache(size_t max_entries = 4'000'000) : max_per_shard_(max_entries / kShards) {}

  struct Entry {
    Entry(std::string_view key, tsdb::Labels labels, tsdb::SeriesRef ref)
        : key(key), labels(std::move(labels)), ref(ref) {}
    const std::string key;  // the wire label bytes
    const tsdb::Labels labels;
    // Changes when the head garbage-collects the series and it comes back.
    std::atomic<tsdb::SeriesRef> ref;
  };
  using EntryPtr = std::shared_ptr<Entry>;

  static uint64_t Hash(std::string_view key) { return tsdb::HashBytes(key.data(), key.size()); }

  // The entry for these wire label bytes, or null.
  EntryPtr Find(uint64_t hash, std::string_view key) const;
  // Adds the entry for `key`, or updates its ref when there is one.
  void Put(uint64_t hash, std::string_view key, const tsdb::Labels& labels, tsdb::SeriesRef ref);

 private:
  static constexpr size_t kShards = 16;
  // Open addressing with linear probing: a lookup reads one slot (the hash
  // is in it) and the entry's key, where a node-based map reads a bucket,
  // a node and the key, each a cache miss once the table is large.
  struct Slot {
    uint64_t hash = 0;
    EntryPtr entry;  // null: empty
  };
  struct Shard {
    mutable std::mutex mu;
    std::vector<Slot> slots;  // GUARDED_BY(mu); size a power of two, at most half full
    size_t used = 0;          // GUARDED_BY(mu)
    void Grow();
  };
  // The index of the slot holding `key`, or of the empty slot where it
  // would go (`slots` is not empty).
  static size_t Probe(const std::vector<Slot>& slots, uint64_t hash, std::string_view key);
  size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace pharos::server
