// The appender and the commit path: one WAL record per batch, then the head.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "tsdb/db_impl.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"
#include "tsdb/wal/wal_record.h"

namespace pharos::tsdb {
namespace {

class DbAppender final : public Appender {
 public:
  explicit DbAppender(DbImpl& db) : db_(db) { db_.PinHead(); }
  ~DbAppender() override { db_.UnpinHead(); }

  Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t, double v) override {
    // Checked before the series is looked up, as Prometheus does: a refused
    // sample must not register a new, empty series (it would show up in
    // label listings until the next partition close).
    if (t < db_.MinValidTime()) {
      db_.CountOutOfBounds();
      return OutOfRangeError("out of bounds");
    }
    Head& head = db_.head();
    // Samples come series by series: the last series is reused without the
    // head's lock (the pinned head keeps it allocated; Commit re-creates a
    // series collected meanwhile).
    MemSeries* s = ref == 0 ? nullptr : ref == last_ref_ ? last_series_ : head.Get(ref);
    if (s == nullptr) {
      if (ref != 0 && labels.empty()) return NotFoundError("unknown series ref");
      RETURN_IF_ERROR(CheckLabels(labels));
      bool created;
      s = head.GetOrCreate(labels, [this] { return db_.NewSeriesId(); }, &created);
    }
    last_ref_ = s->id;
    last_series_ = s;
    // The common case, a newer sample, needs no lock; Commit checks again.
    if (t <= s->last_t.load(std::memory_order_relaxed)) {
      std::lock_guard lock(head.LockFor(*s));
      if (t < s->last_t) {
        db_.CountRejection(AppendOutcome::kOutOfOrder);
        return OutOfRangeError("out of order sample");
      }
      if (t == s->last_t) {
        if (std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s->last_v)) return s->id;
        db_.CountRejection(AppendOutcome::kDuplicate);
        return OutOfRangeError("duplicate sample for timestamp");
      }
    }
    samples_.push_back({s, t, v});
    return s->id;
  }

  Status Commit() override {
    if (done_) return FailedPreconditionError("appender already committed or rolled back");
    done_ = true;
    if (samples_.empty()) return Status();
    return db_.CommitSamples(samples_);
  }

  Status Rollback() override {
    done_ = true;
    samples_.clear();
    return Status();
  }

 private:
  Status CheckLabels(const Labels& labels) {
    Status s;
    if (labels.empty()) {
      s = InvalidArgumentError("empty label set");
    } else {
      for (const Label& l : labels) {
        if (!ValidLabelName(l.name)) {
          s = InvalidArgumentError("invalid label name \"" + l.name + "\"");
        } else if (!ValidUtf8(l.value)) {
          s = InvalidArgumentError("invalid UTF-8 in value of label \"" + l.name + "\"");
        }
        if (!s.ok()) break;
      }
    }
    if (!s.ok()) db_.CountInvalidLabels();
    return s;
  }

  DbImpl& db_;
  SeriesRef last_ref_ = 0;
  MemSeries* last_series_ = nullptr;
  std::vector<DbImpl::PendingSample> samples_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Appender> DbImpl::NewAppender() { return std::make_unique<DbAppender>(*this); }

int64_t DbImpl::MinValidTime() const {
  int64_t max = head_->MaxTime();
  int64_t bound = max == kMinTime ? kMinTime : max - options_.out_of_bounds_window_ms;
  return std::max<int64_t>(bound, persisted_until_.load(std::memory_order_relaxed));
}

Status DbImpl::Write(rocksdb::WriteBatch& batch) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.wal_fsync;
  return FromRocks(db_->Write(wo, &batch), "writing to storage");
}

void DbImpl::CountRejection(AppendOutcome outcome) {
  if (outcome == AppendOutcome::kOutOfOrder) out_of_order_.fetch_add(1);
  if (outcome == AppendOutcome::kDuplicate) duplicate_.fetch_add(1);
}

Status DbImpl::CommitSamples(std::vector<PendingSample>& samples) {
  std::lock_guard lock(commit_mu_);
  if (closed_) return FailedPreconditionError("storage is closed");
  rocksdb::WriteBatch batch;
  std::vector<WalSample> wal;
  wal.reserve(samples.size());
  std::vector<MemSeries*> new_series;
  const int64_t min_valid = persisted_until_.load();
  for (PendingSample& p : samples) {
    // A series garbage-collected while this batch was open comes back under
    // a new id, so no sample is written to a series nobody can read.
    if (p.series->removed) {
      bool created;
      p.series = head_->GetOrCreate(head_->LabelsOf(*p.series),
                                    [this] { return NewSeriesId(); }, &created);
    }
    if (p.t < min_valid) {
      out_of_bounds_.fetch_add(1);
      p.series = nullptr;
      continue;
    }
    if (!p.series->labels_persisted) {
      p.series->labels_persisted = true;  // guarded by commit_mu_; undone on failure
      new_series.push_back(p.series);
      batch.Put(cfs_.series, keys::U64Key(p.series->id),
                keys::EncodeLabels(head_->LabelsOf(*p.series)));
    }
    wal.push_back({p.series->id, p.t, p.v});
  }
  if (wal.empty()) return Status();
  const uint64_t seq = last_seq_ + 1;
  // The encoder sizes its buffer for the worst case (39 bytes a sample):
  // reused, a scrape of 100 k samples does not fault 4 MB in afresh each
  // time; a rare huge batch does not keep its buffer.
  thread_local std::string record;
  record.clear();
  EncodeWalRecord(wal, &record);
  batch.Put(cfs_.wal, keys::U64Key(seq), record);
  if (record.capacity() > (16u << 20)) std::string().swap(record);
  if (!new_series.empty()) {
    batch.Put(cfs_.meta, std::string(keys::kMetaNextSeriesId),
              keys::U64Key(next_series_id_.load()));
  }
  Status st = Write(batch);
  if (!st.ok()) {
    for (MemSeries* s : new_series) s->labels_persisted = false;
    return st;
  }
  last_seq_ = seq;
  uint64_t appended = 0;
  ApplyPrefetched(
      samples.size(), [&](size_t i) { return samples[i].series; },
      [&](size_t i) {
        const PendingSample& p = samples[i];
        std::lock_guard series_lock(head_->LockFor(*p.series));
        AppendOutcome o = head_->AppendLocked(*p.series, p.t, p.v, seq);
        if (o == AppendOutcome::kAppended) {
          ++appended;
        } else {
          CountRejection(o);
        }
      });
  last_commit_ms_.store(NowMs(), std::memory_order_relaxed);
  const uint64_t total = samples_appended_.fetch_add(appended, std::memory_order_relaxed) + appended;
  if (total - samples_at_wake_.load(std::memory_order_relaxed) >= kWakeMaintenanceEverySamples) {
    samples_at_wake_.store(total, std::memory_order_relaxed);
    bg_cv_.notify_one();
  }
  return Status();
}

}  // namespace pharos::tsdb
