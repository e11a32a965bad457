// Background work that moves data out of the head: persisting sealed chunks,
// closing partitions, checkpointing open chunks and truncating the WAL,
// garbage-collecting series that stopped.
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <thread>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/db_impl.h"
#include "tsdb/partition.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/index_writes.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"

namespace pharos::tsdb {
namespace {

// Series per write batch: bounds the batch size and lock hold times.
constexpr size_t kSeriesPerBatch = 4096;

}  // namespace

Status DbImpl::Maintain(bool force_checkpoint) {
  std::lock_guard lock(maintain_mu_);
  if (closed_) return FailedPreconditionError("storage is closed");
  RETURN_IF_ERROR(PersistSealed());
  const int64_t closed_before = persisted_until_.load();
  RETURN_IF_ERROR(ClosePartitions());
  // Besides the interval: when a partition closed (its chunks are all on
  // disk, so the WAL behind them can go) and when the WAL has grown long
  // since the last checkpoint (a backfill writes hours of data a minute).
  const bool partition_closed = persisted_until_.load() != closed_before;
  // Long means a few dozen samples per series: a checkpoint rewrites every
  // open chunk, so it must stay rare for many series, but the WAL of a small
  // set of series need not grow to gigabytes either.
  const uint64_t wal_limit =
      std::max<uint64_t>(kCheckpointMinSamples, 30 * static_cast<uint64_t>(head_->NumSeries()));
  const bool wal_long = samples_appended_.load() - samples_at_checkpoint_ >= wal_limit;
  const bool quiet = QuietCheckpointDue();
  if (force_checkpoint || partition_closed || wal_long || quiet ||
      NowMs() - last_checkpoint_ms_ >= options_.checkpoint_interval_ms) {
    RETURN_IF_ERROR(Checkpoint());
  }
  if (quiet) {
    // RocksDB keeps its log files until every column family with writes in
    // them has flushed; after the checkpoint nothing in them is needed.
    rocksdb::FlushOptions fo;
    fo.wait = true;
    RETURN_IF_ERROR(FromRocks(db_->Flush(fo, handles_), "flushing after a checkpoint"));
    // The flush wrote the burst's WAL records to disk beside the range
    // deletion that truncated them; with few files in the column family no
    // compaction would come to drop them (25 MB after a 24 h backfill of
    // 10k series, kept across restarts).
    RETURN_IF_ERROR(FromRocks(db_->CompactRange(rocksdb::CompactRangeOptions(), cfs_.wal,
                                                nullptr, nullptr),
                              "compacting the truncated WAL"));
    // A burst (a backfill, a remote writer catching up) leaves its buffers
    // and the flushed memtables free in malloc's per-thread arenas, which
    // glibc does not give back on its own: return them now that the burst
    // is over.
#ifdef __GLIBC__
    malloc_trim(0);
#endif
  }
  RETURN_IF_ERROR(ApplyRetention());
  if (head_pins_.load() == 0) head_->FreeRemoved();
  return Status();
}

// Quiet: no batch for kQuietMs after at least a few samples per series
// since the last checkpoint (a backfill, a remote writer that stopped). A
// server scraping at any interval up to a minute never looks quiet in
// between, and a slow one reaches the checkpoint interval first.
bool DbImpl::QuietCheckpointDue() const {
  const uint64_t pending = samples_appended_.load() - samples_at_checkpoint_.load();
  return pending > 0 && pending >= 8 * static_cast<uint64_t>(head_->NumSeries()) &&
         NowMs() - last_commit_ms_.load(std::memory_order_relaxed) >= kQuietMs;
}

Status DbImpl::PersistSeries(const std::vector<MemSeries*>& series, bool snapshot) {
  // Re-encoding chunks is CPU-bound: big rounds (checkpoints, Close) use a
  // second thread for half of the series. No series is in both halves.
  // In id order, chunk and head keys reach the memtable in key order.
  std::vector<MemSeries*> sorted = series;
  std::sort(sorted.begin(), sorted.end(),
            [](const MemSeries* a, const MemSeries* b) { return a->id < b->id; });
  if (sorted.size() < 4 * kSeriesPerBatch) return PersistRange(sorted, 0, sorted.size(), snapshot);
  const size_t half = sorted.size() / 2;
  Status second;
  std::thread helper([&] { second = PersistRange(sorted, half, sorted.size(), snapshot); });
  Status first = PersistRange(sorted, 0, half, snapshot);
  helper.join();
  return first.ok() ? second : first;
}

Status DbImpl::PersistRange(const std::vector<MemSeries*>& series, size_t from, size_t to,
                            bool snapshot) {
  for (size_t begin = from; begin < to; begin += kSeriesPerBatch) {
    size_t end = std::min(to, begin + kSeriesPerBatch);
    rocksdb::WriteBatch batch;
    keys::IndexWrites index;
    std::vector<std::pair<MemSeries*, size_t>> persisted;  // series, sealed count
    std::vector<int64_t> new_partitions;
    std::vector<Sample> samples;
    for (size_t i = begin; i < end; ++i) {
      MemSeries* s = series[i];
      std::vector<SealedChunk> sealed;
      std::string snap;
      bool write_snap = false;
      {
        std::lock_guard lock(head_->LockFor(*s));
        sealed = s->sealed.Copy();  // persisted outside the lock
        if (snapshot && s->dirty) {
          write_snap = true;
          s->dirty = false;
          snap.push_back(static_cast<char>(keys::kFormatVersion));
          coding::PutVarint(snap, s->applied_seq);
          coding::PutVarsint(snap, s->last_t);
          coding::PutFixedDouble(snap, s->last_v);
          snap.push_back(s->has_open ? 1 : 0);
          if (s->has_open) {
            std::string state;
            s->open.AppendState(&state);
            coding::PutLengthPrefixed(snap, state);
            snap.append(s->open.bytes());
          }
        }
      }
      if (!sealed.empty()) {
        Labels labels = head_->LabelsOf(*s);
        // Only maintenance (under maintain_mu_) writes indexed_partition.
        int64_t indexed = s->indexed_partition;
        for (const SealedChunk& c : sealed) {
          int64_t p = PartitionOf(c.mint, options_.partition_ms);
          if (p > indexed) {
            index.Add(labels, s->id, p);
            new_partitions.push_back(p);
            indexed = p;
          }
          samples.clear();
          RETURN_IF_ERROR(DecodeAll(c.bytes, &samples));
          batch.Put(cfs_.chunks, keys::ChunkKey(p, s->id, c.mint),
                    keys::ChunkValue(c.mint, c.maxt, EncodeBest(samples)));
        }
        persisted.emplace_back(s, sealed.size());
      }
      if (write_snap) batch.Put(cfs_.head, keys::U64Key(s->id), snap);
    }
    index.WriteTo(batch, cfs_.index);
    if (batch.Count() == 0) continue;
    RETURN_IF_ERROR(Write(batch));
    // A late chunk indexed into a closed partition changes its postings.
    const int64_t closed_below = persisted_until_.load();
    if (std::any_of(new_partitions.begin(), new_partitions.end(), [&](int64_t p) {
          return p + options_.partition_ms <= closed_below;
        })) {
      postings_cache_.Invalidate();
    }
    {
      std::lock_guard lock(partitions_mu_);
      partitions_.insert(new_partitions.begin(), new_partitions.end());
    }
    // Written: the head may drop what it persisted.
    for (auto [s, n] : persisted) {
      std::lock_guard lock(head_->LockFor(*s));
      int64_t last_p = PartitionOf(s->sealed[n - 1].mint, options_.partition_ms);
      s->indexed_partition = std::max(s->indexed_partition, last_p);
      s->sealed.EraseFront(n);
    }
  }
  return Status();
}

Status DbImpl::PersistSealed() {
  std::vector<MemSeries*> series;
  for (uint64_t id : head_->DrainSealed()) {
    if (MemSeries* s = head_->Get(id)) series.push_back(s);
  }
  return PersistSeries(series, /*snapshot=*/false);
}

Status DbImpl::ClosePartitions() {
  int64_t max = head_->MaxTime();
  if (max == kMinTime) return Status();
  int64_t until = PartitionOf(max - options_.out_of_bounds_window_ms,
                                    options_.partition_ms) *
                  options_.partition_ms;
  if (until <= persisted_until_.load()) return Status();
  {
    // No commit may be half-way with samples below the new bound.
    std::lock_guard lock(commit_mu_);
    persisted_until_ = until;
  }
  // Seal every chunk of the closed partitions and persist it.
  std::vector<MemSeries*> all = head_->All();
  std::vector<MemSeries*> stale;
  for (MemSeries* s : all) {
    std::lock_guard lock(head_->LockFor(*s));
    if (s->has_open && s->open.min_time() < until) head_->SealLocked(*s);
  }
  RETURN_IF_ERROR(PersistSealed());
  std::string v;
  coding::PutOrderedInt64(v, until);
  rocksdb::WriteBatch batch;
  batch.Put(cfs_.meta, std::string(keys::kMetaPersistedUntil), v);
  // Series with nothing newer than the closed partitions leave the head.
  auto is_stale = [&](MemSeries* s) {
    std::lock_guard lock(head_->LockFor(*s));
    return !s->has_open && s->sealed.empty() && s->last_t < until;
  };
  std::vector<MemSeries*> candidates;
  for (MemSeries* s : all) {
    if (is_stale(s)) candidates.push_back(s);
  }
  // Decided again and carried out with commits held off: a commit may have
  // appended to a candidate since (a series registered by an Append whose
  // batch was not committed yet has no data either), and removing it then
  // would drop those samples and every later one committed to it.
  std::lock_guard lock(commit_mu_);
  for (MemSeries* s : candidates) {
    if (!is_stale(s)) continue;
    stale.push_back(s);
    batch.Delete(cfs_.series, keys::U64Key(s->id));
    batch.Delete(cfs_.head, keys::U64Key(s->id));
  }
  RETURN_IF_ERROR(Write(batch));
  for (MemSeries* s : stale) s->removed = true;
  head_->Remove(stale);
  return Status();
}

Status DbImpl::Checkpoint() {
  uint64_t seq;
  {
    // Every record up to `seq` has been applied to the head.
    std::lock_guard lock(commit_mu_);
    seq = last_seq_;
  }
  RETURN_IF_ERROR(PersistSeries(head_->All(), /*snapshot=*/true));
  rocksdb::WriteBatch batch;
  batch.Put(cfs_.meta, std::string(keys::kMetaCheckpoint), keys::U64Key(seq + 1));
  batch.DeleteRange(cfs_.wal, keys::U64Key(0), keys::U64Key(seq + 1));
  RETURN_IF_ERROR(Write(batch));
  {
    std::lock_guard lock(commit_mu_);
    replay_from_seq_ = seq + 1;
  }
  // The range delete hides the old records; dropping the files that hold
  // only them gives the space back now rather than at some later compaction.
  const std::string begin = keys::U64Key(0), end = keys::U64Key(seq + 1);
  rocksdb::Slice b(begin), e(end);
  RETURN_IF_ERROR(FromRocks(rocksdb::DeleteFilesInRange(db_, cfs_.wal, &b, &e), "dropping WAL files"));
  last_checkpoint_ms_ = NowMs();
  samples_at_checkpoint_ = samples_appended_.load();
  return Status();
}

}  // namespace pharos::tsdb
