// QueryLimits: the bounds one query runs within — samples held in memory,
// a deadline, and the caller's cancellation flag — plus its sample
// statistics. The evaluator calls Check() often (per series and per batch of
// steps); a breached bound throws EvalError, which Engine turns into a
// Status.
//
// Thread-safety: Add/Release/Check/CountTouched may be called from the
// worker threads of one query at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "promql/eval/eval_error.h"

namespace pharos::promql {

class QueryLimits {
 public:
  QueryLimits(int64_t max_samples, std::chrono::steady_clock::time_point deadline,
              const std::atomic<bool>* cancel)
      : max_samples_(max_samples), deadline_(deadline), cancel_(cancel) {}

  // `n` more samples are now held in memory; throws kResourceExhausted when
  // that exceeds the maximum.
  void Add(int64_t n);
  // `n` samples held earlier were freed.
  void Release(int64_t n) { current_.fetch_sub(n, std::memory_order_relaxed); }
  // Samples read by the query (Prometheus' totalQueryableSamples).
  void CountTouched(int64_t n) { touched_.fetch_add(n, std::memory_order_relaxed); }

  // Throws on timeout or cancellation.
  void Check() const;

  int64_t current() const { return current_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t touched() const { return touched_.load(std::memory_order_relaxed); }

 private:
  const int64_t max_samples_;
  const std::chrono::steady_clock::time_point deadline_;
  const std::atomic<bool>* cancel_;
  std::atomic<int64_t> current_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> touched_{0};
};

}  // namespace pharos::promql
