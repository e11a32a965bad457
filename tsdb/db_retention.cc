// Retention by time and size: whole partitions are range-deleted and the
// range compacted so the disk space really comes back.
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "tsdb/db_impl.h"
#include "tsdb/partition.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"

namespace pharos::tsdb {

uint64_t DbImpl::DiskBytes() {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(options_.path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

std::vector<int64_t> DbImpl::PartitionsBetween(int64_t lo, int64_t hi) {
  std::lock_guard lock(partitions_mu_);
  std::vector<int64_t> out;
  for (auto it = partitions_.lower_bound(lo); it != partitions_.end() && *it <= hi; ++it) {
    out.push_back(*it);
  }
  return out;
}

Status DbImpl::DropPartition(int64_t partition) {
  std::string begin = keys::PartitionPrefix(partition);
  std::string end = keys::PartitionPrefix(partition + 1);
  rocksdb::WriteBatch batch;
  batch.DeleteRange(cfs_.chunks, begin, end);
  batch.DeleteRange(cfs_.index, begin, end);
  RETURN_IF_ERROR(Write(batch));
  postings_cache_.Invalidate();
  {
    std::lock_guard lock(partitions_mu_);
    partitions_.erase(partition);
  }
  rocksdb::Slice b(begin), e(end);
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, cfs_.chunks, &b, &e), "compacting chunks"));
  return FromRocks(db_->CompactRange(co, cfs_.index, &b, &e), "compacting index");
}

Status DbImpl::Snapshot(const std::string& dir) {
  if (closed_) return FailedPreconditionError("storage is closed");
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "snapshot"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Copy RocksDB's log rather than flushing memtables first: the copy is
  // exactly what a crash at this instant would leave.
  return FromRocks(checkpoint->CreateCheckpoint(dir, std::numeric_limits<uint64_t>::max()),
                   "snapshot to " + dir);
}

Status DbImpl::Compact() {
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "compacting"));
  }
  return Status();
}

Status DbImpl::ApplyRetention() {
  const int64_t width = options_.partition_ms;
  // Never drop a partition the head may still write to.
  const int64_t open_from = PartitionOf(persisted_until_.load(), width);
  if (options_.retention_ms > 0) {
    int64_t newest = head_->MaxTime();
    if (newest != kMinTime) {
      int64_t cutoff = newest - options_.retention_ms;
      // Partition p ends at (p + 1) * width; drop it when that is <= cutoff.
      int64_t last_dead = PartitionOf(cutoff, width) - 1;
      for (int64_t p : PartitionsBetween(kMinTime, std::min(last_dead, open_from - 1))) {
        RETURN_IF_ERROR(DropPartition(p));
      }
    }
  }
  if (options_.retention_bytes > 0) {
    while (DiskBytes() > options_.retention_bytes) {
      std::vector<int64_t> closed = PartitionsBetween(kMinTime, open_from - 1);
      if (closed.empty()) break;
      RETURN_IF_ERROR(DropPartition(closed.front()));
    }
  }
  return Status();
}

}  // namespace pharos::tsdb
