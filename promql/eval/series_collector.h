// SeriesCollector: assembles an evaluator's output Matrix from series made
// one at a time. Series that end up with equal labels are merged into one,
// as Prometheus keys its per-step output by label set; two of them with a
// value at the same step fail the query with "vector cannot contain metrics
// with the same labelset".
//
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "promql/value.h"

namespace pharos::promql {

class SeriesCollector {
 public:
  SeriesCollector() = default;

  // Takes `s` (points ascending); empty series are dropped.
  void Add(Series s);

  // The collected series in the order first added. Throws EvalError on a
  // label set with two values at one step.
  Matrix Finish();

 private:
  Matrix out_;
  std::unordered_multimap<uint64_t, size_t> by_hash_;
  std::vector<bool> merged_;
};

}  // namespace pharos::promql
