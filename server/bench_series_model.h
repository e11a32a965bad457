// BenchSeriesModel: the synthetic series the benchmarks write, the same
// shapes as the shared remote-write/scrape benchmark model: per unit of 20
// series, 5 request counters by code, an 11-bucket latency histogram with
// _sum and _count, an integer gauge and a float random-walk gauge; labels
// job, instance, service, handler, method, pod, code, le.
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "tsdb/labels.h"

namespace pharos::server {

class BenchSeriesModel {
 public:
  // `series` is rounded down to a multiple of 20 (at least 20), spread over
  // `targets` instances.
  BenchSeriesModel(int series, int targets, uint64_t seed = 1);

  const std::vector<tsdb::Labels>& labels() const { return labels_; }
  // Instance index of each series, for grouping appends like scrapes.
  const std::vector<int>& target_of() const { return target_of_; }

  // Advances every series by `seconds` and writes the new values into
  // `out` (resized to the number of series).
  void Step(double seconds, std::vector<double>* out);

 private:
  std::vector<tsdb::Labels> labels_;
  std::vector<int> target_of_;
  std::mt19937_64 rng_;
  // Per unit state.
  std::vector<double> rate_, requests_, buckets_, sum_, count_, inflight_, size_;
};

}  // namespace pharos::server
