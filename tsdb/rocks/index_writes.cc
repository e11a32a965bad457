#include "tsdb/rocks/index_writes.h"

#include <rocksdb/write_batch.h>

#include <algorithm>

#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"

namespace pharos::tsdb::keys {

void IndexWrites::Add(const Labels& labels, uint64_t id, int64_t partition) {
  series_.push_back({partition, id, EncodeLabels(labels)});
  for (const Label& l : labels) {
    auto [it, added] = groups_.try_emplace(PostingPrefix(partition, l.name, l.value));
    if (added) it->second.value_key = ValueKey(partition, l.name, l.value);
    it->second.ids.push_back(id);
  }
}

void IndexWrites::WriteTo(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf) {
  std::sort(series_.begin(), series_.end(), [](const SeriesEntry& a, const SeriesEntry& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.id < b.id;
  });
  for (const SeriesEntry& s : series_) batch.Put(cf, IndexSeriesKey(s.partition, s.id), s.labels);

  // Posting prefixes and value keys order the groups alike: both are the
  // partition, a kind byte, then the length-prefixed name and value.
  std::vector<std::pair<const std::string*, Group*>> order;
  order.reserve(groups_.size());
  for (auto& [prefix, group] : groups_) order.emplace_back(&prefix, &group);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  std::string key;
  for (auto& [prefix, group] : order) {
    // Series are added in id order within a partition; sorted for any caller
    // that does not.
    if (!std::is_sorted(group->ids.begin(), group->ids.end())) {
      std::sort(group->ids.begin(), group->ids.end());
    }
    for (uint64_t id : group->ids) {
      key.assign(*prefix);
      coding::PutBigEndian64(key, id);
      batch.Put(cf, key, rocksdb::Slice());
    }
  }
  for (const auto& [prefix, group] : order) batch.Put(cf, group->value_key, rocksdb::Slice());
  groups_.clear();
  series_.clear();
}

}  // namespace pharos::tsdb::keys
