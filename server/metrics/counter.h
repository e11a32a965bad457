// Counter and Gauge: lock-free metric values.
//
//   Counter& c = registry.NewCounter("pharos_x_total", "Things done.");
//   c.Inc();  c.Add(3);
//   Gauge& g = registry.NewGauge("pharos_queue_length", "Items queued.");
//   g.Set(7);
//
// Thread-safety: every method may be called from any thread; updates are a
// single relaxed atomic operation, cheap enough for hot paths.
#pragma once

#include <atomic>

namespace pharos::server::metrics {

// A value that only goes up (or restarts at 0 with the process).
class Counter {
 public:
  void Inc() { v_.fetch_add(1.0, std::memory_order_relaxed); }
  // REQUIRES: d >= 0.
  void Add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  void Add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

}  // namespace pharos::server::metrics
