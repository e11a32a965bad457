// Db: the Pharos time-series database, RocksDB underneath.
//
//   auto db = Db::Open(options);              // creates or reopens the dir
//   auto app = (*db)->NewAppender();
//   app->Append(0, labels, t, v); app->Commit();
//   auto q = (*db)->NewQuerier(mint, maxt);   // head + persisted chunks
//
// Recent samples live in the head (in memory, one open Gorilla chunk per
// series). Every Commit() first writes one WAL record to RocksDB, so a
// process crash after Commit() returns loses nothing: Open() replays the WAL.
// Full chunks are persisted to RocksDB in the background and dropped from
// memory; checkpoints snapshot open chunks so the WAL stays short.
// The on-disk layout is written down in tsdb/FORMAT.md.
//
// Thread-safety: all methods are safe to call concurrently. Appenders and
// Queriers follow the rules in storage.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tsdb/storage.h"

namespace pharos::tsdb {

struct DbOptions {
  // Directory of the RocksDB database. Created when missing.
  std::string path;

  // Partitions whose data is all older than the newest sample minus
  // retention_ms are deleted (like Prometheus, retention follows data time,
  // not the wall clock). 0 disables. Default: 30 days.
  int64_t retention_ms = 30LL * 24 * 3600 * 1000;
  // When the on-disk size exceeds this many bytes, the oldest partitions are
  // deleted until it fits. 0 disables. Default: 0.
  uint64_t retention_bytes = 0;

  // When true, every Commit() syncs RocksDB's log to disk before returning:
  // nothing is lost even on power failure. When false (the default), a
  // Commit() survives a crash of the process (the data is in the OS page
  // cache) but a power loss or kernel crash may lose the last few seconds
  // of commits. Default: false.
  bool wal_fsync = false;

  // Width of a time partition. Chunks never cross a partition boundary and
  // retention deletes whole partitions. Default: 2 hours.
  int64_t partition_ms = 2 * 3600 * 1000;

  // A sample older than the head's newest sample minus this window is
  // rejected as out of bounds (Prometheus: half the 2h block range).
  // Default: 1 hour.
  int64_t out_of_bounds_window_ms = 3600 * 1000;

  // Samples per chunk before it is sealed. Default: 120.
  int max_samples_per_chunk = 120;

  // How often the background thread persists sealed chunks, snapshots open
  // chunks, truncates the WAL and applies retention. Default: 60 s.
  int64_t maintenance_interval_ms = 60 * 1000;

  // Snapshot open chunks and truncate the WAL at most this often, which
  // bounds what crash recovery replays. A longer interval writes less (a
  // checkpoint rewrites the open chunk of every series that changed); a
  // shorter one recovers faster: 1 M series replay 5 minutes of WAL in
  // about 1 s on two cores. Default: 5 minutes.
  int64_t checkpoint_interval_ms = 5 * 60 * 1000;


  // When false, no background thread runs; tests call Maintain() instead.
  // Default: true.
  bool background = true;
};

// Counts of appends rejected, by reason (Prometheus'
// prometheus_tsdb_out_of_order_samples_total and friends).
struct AppendRejections {
  uint64_t out_of_order = 0;
  uint64_t out_of_bounds = 0;
  uint64_t duplicate = 0;
  uint64_t invalid_labels = 0;
};

// Figures for /api/v1/status/tsdb and self-monitoring.
struct DbStats {
  uint64_t head_series = 0;
  uint64_t head_chunks = 0;       // open + sealed, not yet persisted
  int64_t head_min_time = 0;      // ms; 0 when the head is empty
  int64_t head_max_time = 0;
  int64_t min_time = 0;           // oldest sample kept anywhere, ms
  uint64_t samples_appended = 0;
  uint64_t disk_bytes = 0;        // live SST + log files
  uint64_t wal_records = 0;       // records not yet truncated
  AppendRejections rejections;
  struct Count {
    std::string name;
    uint64_t value;
  };
  // Top 10 each, by number of head series, descending.
  std::vector<Count> series_count_by_metric_name;
  std::vector<Count> label_value_count_by_label_name;
  std::vector<Count> memory_in_bytes_by_label_name;
  std::vector<Count> series_count_by_label_value_pair;
};

class Db : public Appendable, public Queryable {
 public:
  // Opens (or creates) the database at options.path, replaying the WAL.
  static Result<std::unique_ptr<Db>> Open(DbOptions options);

  // Closes the database if Close() was not called; errors are logged to
  // stderr and dropped.
  ~Db() override;

  // Stops the background thread, persists every chunk of the head (open
  // chunks are sealed, so each series starts a new chunk after reopening),
  // truncates the WAL so the next Open() replays nothing, and closes
  // RocksDB. Idempotent.
  virtual Status Close() = 0;

  // Removes samples of series matching `matchers` within [mint, maxt].
  virtual Status DeleteSeries(const std::vector<Matcher>& matchers, int64_t mint,
                              int64_t maxt) = 0;

  // One round of background work: persist sealed chunks, close finished
  // partitions, checkpoint when due (or when `force_checkpoint`), apply
  // retention and compact deleted ranges away.
  virtual Status Maintain(bool force_checkpoint = false) = 0;

  virtual DbStats Stats() = 0;

  // Writes a consistent copy of the database to `dir` (which must not
  // exist), as of now, using hard links where it can: the admin snapshot
  // API, and a way to capture the exact state a crash would leave behind
  // (the copy includes the WAL not yet covered by a checkpoint).
  virtual Status Snapshot(const std::string& dir) = 0;

  // Like Snapshot(), but only with what is persisted (Prometheus'
  // snapshot skip_head): the copy keeps the chunks and index of closed
  // partitions (those before meta/persisted_until) and leaves out the
  // head — its series, open-chunk snapshots, WAL, and the chunks already
  // written for partitions still open. Opening the copy shows only samples
  // older than the persisted bound.
  virtual Status SnapshotPersisted(const std::string& dir) = 0;

  // Compacts every column family fully, so deleted and overwritten data
  // leaves the disk now rather than in some later background compaction.
  virtual Status Compact() = 0;

  // On-disk bytes of the database directory (SST, log and manifest files).
  virtual uint64_t DiskBytes() = 0;

 protected:
  Db() = default;
};

}  // namespace pharos::tsdb
