// IndexWrites: the index entries that a batch of series adds to their
// partitions (a series key with the labels, a posting per label, each label
// value once), gathered and then written in key order.
//
// RocksDB's memtable inserts a key right after the previous one in constant
// time but a random one in a skiplist search, so order matters when a
// million series close a partition. Entries are grouped by (partition,
// name, value): only the groups are sorted by their bytes, and each group's
// postings follow in series id order, instead of sorting every posting.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tsdb/labels.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace pharos::tsdb::keys {

class IndexWrites {
 public:
  // The entries of series `id` (with `labels`) in `partition`; once per
  // series and partition.
  void Add(const Labels& labels, uint64_t id, int64_t partition);

  // Puts every entry into `batch` for column family `cf`.
  void WriteTo(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf);

 private:
  struct Group {
    std::string value_key;
    std::vector<uint64_t> ids;
  };
  struct SeriesEntry {
    int64_t partition;
    uint64_t id;
    std::string labels;  // encoded
  };
  std::unordered_map<std::string, Group> groups_;  // by posting prefix
  std::vector<SeriesEntry> series_;
};

}  // namespace pharos::tsdb::keys
