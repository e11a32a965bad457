// Histogram: counts observations into cumulative buckets, as Prometheus'
// client libraries do (name_bucket{le="..."}, name_sum, name_count).
//
//   Histogram& h = registry.NewHistogram("pharos_x_duration_seconds", "...",
//                                        DefaultBuckets());
//   h.Observe(0.042);
//
// Thread-safety: Observe() and Snapshot() may be called from any thread.
// A snapshot taken during concurrent Observe() calls may be off by those
// observations between buckets, sum and count (as in client_golang).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace pharos::server::metrics {

// Prometheus' default buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, ascending; a +Inf bucket
  // is always added.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;           // without +Inf
    std::vector<uint64_t> cumulative;     // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

}  // namespace pharos::server::metrics
