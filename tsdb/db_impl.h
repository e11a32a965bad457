// DbImpl: the implementation behind Db. Private to tsdb/; the .cc files are
// split by concern: db_open.cc (open, replay, close), db_append.cc
// (appender, commit), db_persist.cc (persisting chunks, checkpoints,
// partition close, garbage collection), db_retention.cc, db_querier.cc,
// db_delete.cc, db_stats.cc.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tsdb/db.h"
#include "tsdb/head/head.h"
#include "tsdb/postings_cache.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace pharos::tsdb {

class DbImpl final : public Db {
 public:
  explicit DbImpl(DbOptions options);
  ~DbImpl() override;

  Status OpenStorage();

  std::unique_ptr<Appender> NewAppender() override;
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;
  Status Close() override;
  Status DeleteSeries(const std::vector<Matcher>& matchers, int64_t mint,
                      int64_t maxt) override;
  Status Maintain(bool force_checkpoint) override;
  DbStats Stats() override;
  Status Compact() override;
  Status Snapshot(const std::string& dir) override;
  Status SnapshotPersisted(const std::string& dir) override;
  uint64_t DiskBytes() override;

  // --- used by the appender, querier and maintenance code ---
  struct Cfs {
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    rocksdb::ColumnFamilyHandle* series = nullptr;
    rocksdb::ColumnFamilyHandle* wal = nullptr;
    rocksdb::ColumnFamilyHandle* chunks = nullptr;
    rocksdb::ColumnFamilyHandle* index = nullptr;
    rocksdb::ColumnFamilyHandle* head = nullptr;
  };

  const DbOptions& options() const { return options_; }
  Head& head() { return *head_; }
  rocksdb::DB* rocks() { return db_; }
  const Cfs& cfs() const { return cfs_; }
  PostingsCache& postings_cache() { return postings_cache_; }
  // Partitions that start below this are closed: their index no longer
  // grows.
  int64_t persisted_until() const { return persisted_until_.load(); }

  // Samples older than this are out of bounds.
  int64_t MinValidTime() const;

  // Writes a batch with the configured durability.
  Status Write(rocksdb::WriteBatch& batch);

  struct PendingSample {
    MemSeries* series;
    int64_t t;
    double v;
  };
  // Commits samples from an appender: one WAL record, then the head.
  Status CommitSamples(std::vector<PendingSample>& samples);

  uint64_t NewSeriesId() { return next_series_id_.fetch_add(1); }
  void CountRejection(AppendOutcome outcome);
  void CountOutOfBounds() { out_of_bounds_.fetch_add(1, std::memory_order_relaxed); }
  void CountInvalidLabels() { invalid_labels_.fetch_add(1, std::memory_order_relaxed); }
  // Held by every open appender and by a querier while it copies from the
  // head: series removed from the head are freed only when nobody holds a
  // pin, since a pin holder may still point at them.
  void PinHead() { head_pins_.fetch_add(1); }
  void UnpinHead() { head_pins_.fetch_sub(1); }

  // Partitions that hold persisted data, within [lo, hi] (partition numbers).
  std::vector<int64_t> PartitionsBetween(int64_t lo, int64_t hi);

 private:
  Status Replay();
  Status ReplayWal();
  Status LoadPartitions();
  Status ReadMeta();
  void BackgroundLoop();

  // Persists the sealed chunks (and, with `snapshot`, the open chunk) of the
  // given series. Returns after the batch is written.
  Status PersistSeries(const std::vector<MemSeries*>& series, bool snapshot);
  Status PersistRange(const std::vector<MemSeries*>& series, size_t from, size_t to,
                      bool snapshot);
  Status PersistSealed();
  Status ClosePartitions();
  Status Checkpoint();
  Status ApplyRetention();
  Status DropPartition(int64_t partition);

  DbOptions options_;
  rocksdb::DB* db_ = nullptr;
  Cfs cfs_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<Head> head_;

  // Serialises commits: WAL sequence numbers and head application happen in
  // the same order.
  std::mutex commit_mu_;
  uint64_t last_seq_ = 0;           // GUARDED_BY(commit_mu_)
  std::atomic<int64_t> persisted_until_{kMinTime};  // partitions below are closed
  // Postings of closed partitions; cleared by deletes and dropped partitions.
  PostingsCache postings_cache_;
  std::atomic<uint64_t> next_series_id_{1};
  uint64_t replay_from_seq_ = 1;  // first WAL record not covered by a checkpoint

  // Serialises maintenance rounds (background thread, Close, DeleteSeries).
  std::mutex maintain_mu_;
  int64_t last_checkpoint_ms_ = 0;  // GUARDED_BY(maintain_mu_)
  std::atomic<uint64_t> samples_at_checkpoint_{0};  // written under maintain_mu_
  // When the last batch was committed: a head that has gone quiet after a
  // burst of samples is checkpointed and flushed without waiting for the
  // interval (QuietCheckpointDue).
  std::atomic<int64_t> last_commit_ms_{0};
  static constexpr int64_t kQuietMs = 5'000;
  bool QuietCheckpointDue() const;
  // Samples committed since then that wake maintenance early, so sealed
  // chunks do not pile up in memory during a fast backfill.
  static constexpr uint64_t kWakeMaintenanceEverySamples = 2'000'000;
  static constexpr uint64_t kCheckpointMinSamples = 2'000'000;
  std::atomic<uint64_t> samples_at_wake_{0};

  std::mutex partitions_mu_;
  std::set<int64_t> partitions_;  // GUARDED_BY(partitions_mu_)

  std::atomic<uint64_t> out_of_order_{0}, out_of_bounds_{0}, duplicate_{0},
      invalid_labels_{0}, samples_appended_{0};
  std::atomic<int> head_pins_{0};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;  // GUARDED_BY(bg_mu_)
  std::thread bg_;
  bool closed_ = false;
};

// Wall-clock milliseconds since the epoch.
int64_t NowMs();

}  // namespace pharos::tsdb
