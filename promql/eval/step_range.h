// StepRange: the evaluation times of one evaluator, start, start+interval,
// ..., end (an instant query is start == end with interval 1, as in
// Prometheus).
#pragma once

#include <cstdint>

namespace pharos::promql {

struct StepRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t interval = 1;

  int64_t Steps() const { return end < start ? 0 : (end - start) / interval + 1; }
  int64_t TimeAt(int64_t i) const { return start + i * interval; }
  // The step index of an evaluation time of this range.
  int64_t IndexOf(int64_t t) const { return (t - start) / interval; }
};

}  // namespace pharos::promql
