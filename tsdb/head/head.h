// Head: the in-memory part of the database. It owns every active series
// (MemSeries), the symbol table for their labels, and the postings index
// (label pair -> sorted series ids) used to select them.
//
// The head knows nothing of RocksDB: Db feeds it committed samples and
// drains what it seals.
//
// Thread-safety: all methods are thread-safe. The registry (maps, postings,
// symbols) is guarded by a reader/writer lock; a series' chunk state by the
// stripe mutex returned by LockFor().
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "tsdb/head/mem_series.h"
#include "tsdb/head/series_map.h"
#include "tsdb/head/symbol_table.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/status.h"

namespace pharos::tsdb {

// Calls apply(i) for i in [0, n) where series_at(i) != nullptr, in order,
// prefetching the series a few steps ahead and their chunk buffers a few
// steps after that: appends to many series are bound by cache misses, and
// this lets them overlap.
template <typename SeriesAt, typename Fn>
void ApplyPrefetched(size_t n, SeriesAt&& series_at, Fn&& apply) {
  constexpr size_t kSeriesAhead = 12, kChunkAhead = 5;
  // A MemSeries spans two cache lines.
  auto prefetch_series = [](const MemSeries* s) {
    if (s == nullptr) return;
    __builtin_prefetch(s, 1);
    __builtin_prefetch(reinterpret_cast<const char*>(s) + 64, 1);
  };
  for (size_t i = 0; i < std::min(n, kSeriesAhead); ++i) prefetch_series(series_at(i));
  for (size_t i = 0; i < n; ++i) {
    if (i + kSeriesAhead < n) prefetch_series(series_at(i + kSeriesAhead));
    // Reading the buffer pointer without the series lock is only a hint: a
    // stale pointer just prefetches the wrong line.
    if (i + kChunkAhead < n) {
      if (const MemSeries* s = series_at(i + kChunkAhead)) s->open.Prefetch();
    }
    if (series_at(i) != nullptr) apply(i);
  }
}

// Outcome of appending one sample to a series.
enum class AppendOutcome { kAppended, kNoOp, kOutOfOrder, kDuplicate };

class Head {
 public:
  Head(int64_t partition_ms, int max_samples_per_chunk);
  ~Head();

  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // The series with this id, or nullptr.
  MemSeries* Get(uint64_t id) const;
  // Get() for each sample's series_id, under one lock; out[i] is nullptr
  // where no series has the id.
  template <typename WithSeriesId>
  void GetMany(const std::vector<WithSeriesId>& items, std::vector<MemSeries*>* out) const {
    out->resize(items.size());
    std::shared_lock lock(mu_);
    for (size_t i = 0; i < items.size(); ++i) {
      (*out)[i] = by_id_.Find(items[i].series_id, [](const MemSeries*) { return true; });
    }
  }
  // The series with these labels, or nullptr.
  MemSeries* Find(const Labels& labels) const;
  // The series with these labels, created with `new_id()` when missing.
  // `*created` tells which happened.
  MemSeries* GetOrCreate(const Labels& labels, const std::function<uint64_t()>& new_id,
                         bool* created);
  // Makes room for `n` series (restart).
  void Reserve(size_t n);
  // Registers a series with a known id (restart). `labels` sorted by
  // name, as stored. REQUIRES: no series with this id exists.
  MemSeries* Restore(uint64_t id, const std::vector<LabelView>& labels);

  // Materialised labels of a series.
  Labels LabelsOf(const MemSeries& s) const;

  std::mutex& LockFor(const MemSeries& s) const {
    return stripes_[s.id & (kStripes - 1)].mu;
  }

  // Appends one sample under the series' lock, sealing the open chunk when
  // it is full or `t` falls in a new partition. Updates the head's time
  // range. REQUIRES: the caller holds LockFor(s).
  AppendOutcome AppendLocked(MemSeries& s, int64_t t, double v, uint64_t seq);

  // Seals the open chunk under the caller's lock (partition close, delete).
  void SealLocked(MemSeries& s);

  // Ids of series that sealed a chunk since the last call.
  std::vector<uint64_t> DrainSealed();

  // Series matching all matchers, ordered by id.
  std::vector<MemSeries*> Select(const std::vector<Matcher>& matchers) const;

  // Every series, ordered by id.
  std::vector<MemSeries*> All() const;

  // Every (name, value) pair of head series, unsorted.
  std::vector<std::pair<std::string, std::string>> LabelPairs() const;

  // Removes series from the registry. Their memory is kept until
  // FreeRemoved() because an open Appender may still point at them.
  void Remove(const std::vector<MemSeries*>& series);
  void FreeRemoved();

  size_t NumSeries() const;
  int64_t MinTime() const { return min_time_.load(std::memory_order_relaxed); }
  int64_t MaxTime() const { return max_time_.load(std::memory_order_relaxed); }
  // Lowers or raises the head's known time range (restart).
  void ObserveTime(int64_t t);

  // Top-10 figures for /api/v1/status/tsdb.
  struct Cardinality {
    std::vector<std::pair<std::string, uint64_t>> series_by_metric;
    std::vector<std::pair<std::string, uint64_t>> values_by_name;
    std::vector<std::pair<std::string, uint64_t>> bytes_by_name;
    std::vector<std::pair<std::string, uint64_t>> series_by_pair;
  };
  Cardinality Stats() const;

 private:
  static constexpr size_t kStripes = 4096;
  struct alignas(64) Stripe {
    std::mutex mu;
  };
  static uint64_t PairKey(uint32_t name, uint32_t value) {
    return (uint64_t{name} << 32) | value;
  }
  MemSeries* InsertLocked(uint64_t id, const LabelView* labels, size_t n, uint64_t hash);
  std::vector<uint64_t> PostingsForLocked(const Matcher& m) const;
  bool SameLabelsLocked(const MemSeries& s, const Labels& labels) const;

  const int64_t partition_ms_;
  const int max_samples_;
  mutable std::unique_ptr<Stripe[]> stripes_;

  mutable std::shared_mutex mu_;
  SymbolTable symbols_;                                           // GUARDED_BY(mu_)
  // Owns the series (see ~Head); by_hash_ indexes the same objects.
  SeriesMap by_id_{/*dense_keys=*/true};     // GUARDED_BY(mu_)
  SeriesMap by_hash_{/*dense_keys=*/false};  // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, std::vector<uint64_t>> postings_;  // GUARDED_BY(mu_)
  std::unordered_map<uint32_t, std::vector<uint32_t>> values_;    // GUARDED_BY(mu_)
  std::vector<std::unique_ptr<MemSeries>> removed_;               // GUARDED_BY(mu_)

  std::mutex sealed_mu_;
  std::vector<uint64_t> sealed_ids_;  // GUARDED_BY(sealed_mu_)

  std::atomic<int64_t> min_time_;
  std::atomic<int64_t> max_time_;
};

}  // namespace pharos::tsdb
