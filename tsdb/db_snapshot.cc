// Snapshots without the head: a RocksDB checkpoint, reopened on its own and
// stripped of everything newer than its persisted bound.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <vector>

#include "tsdb/db_impl.h"
#include "tsdb/partition.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"

namespace pharos::tsdb {
namespace {

// Drops the head from the database copy in `dir`.
Status StripHead(const std::string& dir, int64_t partition_ms) {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  // In the order DbImpl opens them.
  const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, keys::kSeriesCf,
                                          keys::kWalCf,   keys::kChunksCf,
                                          keys::kIndexCf, keys::kHeadCf};
  for (const std::string& name : names) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(rocksdb::DBOptions(), dir, cfs, &handles, &raw),
                            "opening snapshot " + dir));
  std::unique_ptr<rocksdb::DB> db(raw);
  auto close = [&] {
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    return FromRocks(db->Close(), "closing snapshot " + dir);
  };

  int64_t persisted_until = kMinTime;
  std::string v;
  if (db->Get({}, handles[0], std::string(keys::kMetaPersistedUntil), &v).ok() && v.size() == 8) {
    persisted_until = coding::GetOrderedInt64(v.data());
  }
  // Every key of the chunks and index families starts with its partition.
  const std::string open_from =
      persisted_until == kMinTime
          ? std::string()
          : keys::PartitionPrefix(PartitionOf(persisted_until, partition_ms));
  const std::string past_all(9, '\xff');
  const std::string no_id(8, '\0');
  rocksdb::WriteBatch batch;
  Status st;
  for (int cf : {1, 2, 5}) {  // series, wal, head
    st = FromRocks(batch.DeleteRange(handles[cf], no_id, past_all), "snapshot");
    if (!st.ok()) break;
  }
  for (int cf : {3, 4}) {  // chunks, index
    if (!st.ok()) break;
    st = FromRocks(batch.DeleteRange(handles[cf], open_from, past_all), "snapshot");
  }
  if (st.ok()) st = FromRocks(db->Write({}, &batch), "stripping the head from " + dir);
  // Rewrite the files the deletes cover, so the copy holds none of the head.
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (int cf : {1, 2, 3, 4, 5}) {
    if (!st.ok()) break;
    st = FromRocks(db->CompactRange(co, handles[cf], nullptr, nullptr), "compacting " + dir);
  }
  Status closed = close();
  return st.ok() ? closed : st;
}

}  // namespace

Status DbImpl::SnapshotPersisted(const std::string& dir) {
  RETURN_IF_ERROR(Snapshot(dir));
  return StripHead(dir, options_.partition_ms);
}

}  // namespace pharos::tsdb
