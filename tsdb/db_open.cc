// Opening, replaying and closing the database.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/cache.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <cstdio>

#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/db_impl.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"
#include "tsdb/wal/wal_record.h"

namespace pharos::tsdb {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<Db>> Db::Open(DbOptions options) {
  if (options.path.empty()) return InvalidArgumentError("storage path is empty");
  if (options.partition_ms <= 0 || options.max_samples_per_chunk <= 0 ||
      options.max_samples_per_chunk > 65000) {
    return InvalidArgumentError("invalid partition width or chunk size");
  }
  auto db = std::make_unique<DbImpl>(std::move(options));
  RETURN_IF_ERROR(db->OpenStorage());
  return std::unique_ptr<Db>(std::move(db));
}

Db::~Db() = default;

DbImpl::DbImpl(DbOptions options)
    : options_(std::move(options)),
      head_(std::make_unique<Head>(options_.partition_ms, options_.max_samples_per_chunk)) {}

DbImpl::~DbImpl() {
  Status s = Close();
  if (!s.ok()) std::fprintf(stderr, "pharos: closing storage: %s\n", s.ToString().c_str());
}

namespace {

rocksdb::ColumnFamilyOptions CfOptions(size_t write_buffer, bool compress,
                                       const std::shared_ptr<rocksdb::Cache>& cache,
                                       size_t block_size = 16 * 1024) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = write_buffer;
  // RocksDB stops every write of the database (the WAL's too) while a
  // column family waits on this many memtables: a checkpoint of a million
  // series fills the head and chunks families faster than one flush
  // drains them, and 2 stalled scrapes for tens of seconds. Total memtable
  // memory stays capped by db_write_buffer_size.
  o.max_write_buffer_number = 6;
  o.compression = compress ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  o.bottommost_compression = compress ? rocksdb::kZSTD : rocksdb::kNoCompression;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.block_size = block_size;
  t.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

Status DbImpl::OpenStorage() {
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  // Two flushes may run beside compactions.
  dbo.max_background_jobs = 4;
  // RocksDB's own log files live until every column family with writes in
  // them has flushed; a small cap flushes the quiet ones (head, index)
  // early so a fast ingest does not leave hundreds of MB of logs on disk,
  // nor their memtables in memory (32 MB: ~20 MB less peak RSS during a
  // backfill than 64 MB, at the same CPU per sample).
  dbo.max_total_wal_size = 32 << 20;
  // Memtables are the largest fixed cost in memory: cap them all together
  // (RocksDB flushes the biggest when the total is exceeded).
  dbo.db_write_buffer_size = 64 << 20;
  dbo.keep_log_file_num = 3;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  auto cache = rocksdb::NewLRUCache(32 << 20);

  // Chunks are already compressed by their encoding; everything else is
  // label text that compresses well.
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, CfOptions(1 << 20, true, cache)},
      {keys::kSeriesCf, CfOptions(8 << 20, true, cache)},
      {keys::kWalCf, CfOptions(32 << 20, false, cache)},
      // Chunk encodings leave keys, headers and repeated bit patterns that
      // ZSTD still shrinks by ~20% on the bottommost level; big queries read
      // whole partitions sequentially, so block size costs little.
      {keys::kChunksCf, CfOptions(16 << 20, true, cache)},
      {keys::kIndexCf, CfOptions(16 << 20, true, cache)},
      {keys::kHeadCf, CfOptions(16 << 20, false, cache)},
  };
  rocksdb::Status s = rocksdb::DB::Open(dbo, options_.path, cfs, &handles_, &db_);
  RETURN_IF_ERROR(FromRocks(s, "opening " + options_.path));
  cfs_ = {handles_[0], handles_[1], handles_[2], handles_[3], handles_[4], handles_[5]};

  RETURN_IF_ERROR(ReadMeta());
  RETURN_IF_ERROR(LoadPartitions());
  RETURN_IF_ERROR(Replay());
  last_checkpoint_ms_ = NowMs();
  if (options_.background) bg_ = std::thread([this] { BackgroundLoop(); });
  return Status();
}

Status DbImpl::ReadMeta() {
  std::string v;
  rocksdb::Status s = db_->Get({}, cfs_.meta, std::string(keys::kMetaVersion), &v);
  if (s.IsNotFound()) {
    std::string version(1, static_cast<char>(keys::kFormatVersion));
    return FromRocks(db_->Put({}, cfs_.meta, std::string(keys::kMetaVersion), version),
                     "writing format version");
  }
  RETURN_IF_ERROR(FromRocks(s, "reading format version"));
  if (v.size() != 1 || static_cast<uint8_t>(v[0]) != keys::kFormatVersion) {
    return CorruptionError("unsupported storage format version in " + options_.path);
  }
  if (db_->Get({}, cfs_.meta, std::string(keys::kMetaPersistedUntil), &v).ok()) {
    if (v.size() != 8) return CorruptionError("bad persisted_until meta key");
    persisted_until_ = coding::GetOrderedInt64(v.data());
  }
  if (db_->Get({}, cfs_.meta, std::string(keys::kMetaCheckpoint), &v).ok()) {
    if (v.size() != 8) return CorruptionError("bad checkpoint meta key");
    replay_from_seq_ = coding::GetBigEndian64(v.data());
  }
  if (db_->Get({}, cfs_.meta, std::string(keys::kMetaNextSeriesId), &v).ok()) {
    if (v.size() != 8) return CorruptionError("bad next series id meta key");
    next_series_id_ = coding::GetBigEndian64(v.data());
  }
  return Status();
}

Status DbImpl::LoadPartitions() {
  // One seek per partition: jump over each partition's keys.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_.chunks));
  std::lock_guard lock(partitions_mu_);
  for (it->SeekToFirst(); it->Valid();) {
    if (it->key().size() < 8) return CorruptionError("short chunk key");
    int64_t p = coding::GetOrderedInt64(it->key().data());
    partitions_.insert(p);
    if (p == std::numeric_limits<int64_t>::max()) break;
    it->Seek(keys::PartitionPrefix(p + 1));
  }
  return FromRocks(it->status(), "listing partitions");
}

Status DbImpl::Replay() {
  // 1. Head series and their labels.
  {
    uint64_t estimate = 0;
    if (db_->GetIntProperty(cfs_.series, "rocksdb.estimate-num-keys", &estimate)) {
      head_->Reserve(estimate);
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_.series));
    std::vector<LabelView> labels;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id = keys::DecodeU64Key({it->key().data(), it->key().size()});
      if (!keys::DecodeLabelViews({it->value().data(), it->value().size()}, &labels) ||
          labels.empty()) {
        return CorruptionError("bad labels of head series " + std::to_string(id));
      }
      MemSeries* s = head_->Restore(id, labels);
      s->labels_persisted = true;
      if (id >= next_series_id_) next_series_id_ = id + 1;
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "loading series"));
  }
  // 2. Open-chunk snapshots from the last checkpoint.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_.head));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id = keys::DecodeU64Key({it->key().data(), it->key().size()});
      MemSeries* s = head_->Get(id);
      if (s == nullptr) continue;  // garbage-collected; the key is stale
      coding::Reader r({it->value().data(), it->value().size()});
      uint8_t version, has_open;
      uint64_t seq;
      int64_t last_t;
      double last_v;
      if (!r.GetByte(&version) || version != keys::kFormatVersion || !r.GetVarint(&seq) ||
          !r.GetVarsint(&last_t) || !r.GetFixedDouble(&last_v) || !r.GetByte(&has_open)) {
        return CorruptionError("bad head snapshot of series " + std::to_string(id));
      }
      std::lock_guard lock(head_->LockFor(*s));
      s->applied_seq = seq;
      s->last_t = last_t;
      s->last_v = last_v;
      if (last_t != kMinTime) head_->ObserveTime(last_t);
      if (has_open) {
        std::string_view state;
        if (!r.GetLengthPrefixed(&state)) {
          return CorruptionError("bad head snapshot of series " + std::to_string(id));
        }
        // The saved appender state spares decoding the chunk; should it not
        // match, decoding recovers it.
        Result<XorChunk> restored = XorChunk::Restore(r.rest(), state);
        if (!restored.ok()) restored = XorChunk::FromBytes(r.rest());
        ASSIGN_OR_RETURN(XorChunk chunk, std::move(restored));
        // A chunk of a closed partition was persisted when it closed.
        if (chunk.num_samples() > 0 && chunk.min_time() >= persisted_until_) {
          head_->ObserveTime(chunk.min_time());
          head_->ObserveTime(chunk.max_time());
          s->open = std::move(chunk);
          s->has_open = true;
        }
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "loading head snapshots"));
  }
  // 3. WAL records written after the checkpoint.
  return ReplayWal();
}

Status DbImpl::ReplayWal() {
  // Two threads (the machine's cores) each read every record and apply the
  // samples of their half of the series: decoding is cheap, appending is
  // not, and no series is touched by both threads.
  constexpr int kLanes = 2;
  const int64_t min_valid = persisted_until_;
  std::vector<Status> results(kLanes);
  std::vector<uint64_t> last_seen(kLanes, replay_from_seq_ - 1);
  auto lane = [&](int k) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_.wal));
    std::vector<WalSample> samples, mine;
    std::vector<MemSeries*> series;
    for (it->Seek(keys::U64Key(replay_from_seq_)); it->Valid(); it->Next()) {
      uint64_t seq = keys::DecodeU64Key({it->key().data(), it->key().size()});
      Status st = DecodeWalRecord({it->value().data(), it->value().size()}, &samples);
      if (!st.ok()) {
        results[k] = st.Annotate("WAL record " + std::to_string(seq));
        return;
      }
      mine.clear();
      for (const WalSample& w : samples) {
        if (w.t >= min_valid && w.series_id % kLanes == static_cast<uint64_t>(k)) {
          mine.push_back(w);
        }
      }
      // Only garbage-collected series can be missing (nullptr), and their
      // samples are all older than min_valid.
      head_->GetMany(mine, &series);
      ApplyPrefetched(series.size(), [&](size_t i) { return series[i]; }, [&](size_t i) {
        MemSeries* s = series[i];
        std::lock_guard lock(head_->LockFor(*s));
        if (seq <= s->applied_seq) return;  // already in its snapshot
        head_->AppendLocked(*s, mine[i].t, mine[i].v, seq);
      });
      last_seen[k] = seq;
    }
    results[k] = FromRocks(it->status(), "replaying WAL");
  };
  std::thread other(lane, 1);
  lane(0);
  other.join();
  for (const Status& st : results) RETURN_IF_ERROR(st);
  last_seq_ = std::max(last_seen[0], last_seen[1]);
  return Status();
}

Status DbImpl::Close() {
  if (closed_ || db_ == nullptr) return Status();
  {
    std::lock_guard lock(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  if (bg_.joinable()) bg_.join();
  Status result;
  {
    std::lock_guard lock(maintain_mu_);
    // Open chunks are sealed and persisted in their compact encoding: the
    // next Open() has no chunk to restore and the snapshot stays small. The
    // next sample of each series starts a new chunk.
    for (MemSeries* s : head_->All()) {
      std::lock_guard series_lock(head_->LockFor(*s));
      head_->SealLocked(*s);
    }
    result = PersistSealed();
    if (result.ok()) result = Checkpoint();
  }
  rocksdb::FlushOptions fo;
  fo.wait = true;
  if (result.ok()) result = FromRocks(db_->Flush(fo, handles_), "flushing");
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  handles_.clear();
  Status close = FromRocks(db_->Close(), "closing RocksDB");
  delete db_;  // RocksDB's own factory hands out a raw pointer
  db_ = nullptr;
  closed_ = true;
  return result.ok() ? close : result;
}

void DbImpl::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  int64_t last_round_ms = NowMs();
  while (!stopping_) {
    // Between rounds, a look every kQuietMs for a head gone quiet.
    const int64_t wait_ms = std::min<int64_t>(options_.maintenance_interval_ms, kQuietMs);
    const bool woken =
        bg_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms)) == std::cv_status::no_timeout;
    if (stopping_) break;
    if (!woken && NowMs() - last_round_ms < options_.maintenance_interval_ms && !QuietCheckpointDue()) {
      continue;
    }
    last_round_ms = NowMs();
    lock.unlock();
    Status s = Maintain(false);
    if (!s.ok()) std::fprintf(stderr, "pharos: storage maintenance: %s\n", s.ToString().c_str());
    lock.lock();
  }
}

}  // namespace pharos::tsdb
