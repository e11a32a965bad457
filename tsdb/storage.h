// The storage seams: what promql, rules, scraping and the HTTP API see of the
// TSDB. Modelled on Prometheus' storage/interface.go.
//
//   Appendable -> Appender:  Append(ref, labels, t, v) ... Commit()/Rollback()
//   Queryable  -> Querier:   Select(hints, matchers) -> SeriesSet
//                            -> Series -> SampleIterator
//
// Everything returns Status; iterators follow one protocol: Next()/Seek()
// advance and return false at the end or on error, At() reads the current
// element, status() tells an error from the end. Errors are sticky.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/sample.h"
#include "tsdb/status.h"

namespace pharos::tsdb {

// Identifies a series inside one storage; 0 means "not known yet". A ref
// returned by Append() can be passed back to skip the label lookup.
using SeriesRef = uint64_t;

// Collects samples; nothing is visible to queriers until Commit().
//
// Thread-safety: one Appender is used by one thread at a time; many
// Appenders may be open and committed concurrently.
class Appender {
 public:
  virtual ~Appender() = default;

  // Adds a sample to the batch. `ref` is a hint from an earlier Append (or
  // 0); `labels` must match it when non-zero. Returns the series ref to use
  // next time. `labels` may be empty with a non-zero ref: the series is then
  // found by the ref alone, and kNotFound says the storage no longer knows
  // it (deleted), so the caller must pass its labels. Errors
  // (kInvalidArgument for bad labels; kOutOfRange for a sample that is out
  // of order, out of bounds or a duplicate with another value) reject only
  // this sample; the batch stays usable.
  virtual Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t,
                                   double v) = 0;

  // Makes the batch durable (see the storage's fsync option) and visible.
  // When Commit returns OK, a crash of the process does not lose the batch.
  // The Appender cannot be reused afterwards.
  virtual Status Commit() = 0;

  // Drops the batch.
  virtual Status Rollback() = 0;
};

class Appendable {
 public:
  virtual ~Appendable() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

// Iterates one series' samples in increasing time order.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Advances; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first sample with timestamp >= t (may stay put). False
  // when there is none.
  virtual bool Seek(int64_t t) = 0;
  // REQUIRES: the last Next()/Seek() returned true.
  virtual Sample At() const = 0;
  virtual Status status() const = 0;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const Labels& labels() const = 0;
  // A fresh iterator over the series' samples within the Select range. It
  // stays valid after the SeriesSet moves on, for as long as the SeriesSet
  // lives, so a caller may gather several and read them on other threads
  // (one thread per iterator).
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

// Series in label order.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // Valid until the next Next(). REQUIRES: the last Next() returned true.
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
};

// Hints about how the selected data will be used.
struct SelectHints {
  int64_t start = kMinTime;  // inclusive, ms
  int64_t end = kMaxTime;    // inclusive, ms
  // Labels to skip computing, for callers that only need a count etc.
  bool labels_only = false;  // when true, iterators may return no samples
  // Up to this many threads may read the selected data at once.
  int threads = 1;
};

// Reads a consistent view over a time range.
//
// Thread-safety: one Querier is used by one thread at a time.
class Querier {
 public:
  virtual ~Querier() = default;

  // Series matching all `matchers`, with their samples in
  // [hints.start, hints.end], sorted by labels. At least one matcher should
  // not match the empty string; otherwise every series is selected.
  virtual std::unique_ptr<SeriesSet> Select(const SelectHints& hints,
                                            const std::vector<Matcher>& matchers) = 0;

  // Sorted label names of series that match `matchers` (all series when
  // empty) and have data in the querier's range.
  virtual Result<std::vector<std::string>> LabelNames(
      const std::vector<Matcher>& matchers) = 0;

  // Sorted values of `name` across matching series.
  virtual Result<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<Matcher>& matchers) = 0;
};

class Queryable {
 public:
  virtual ~Queryable() = default;
  // A querier over [mint, maxt] (ms, inclusive).
  virtual Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) = 0;
};

// A SeriesSet with nothing in it, or only an error.
std::unique_ptr<SeriesSet> EmptySeriesSet(Status status = Status());

}  // namespace pharos::tsdb
