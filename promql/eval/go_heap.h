// topk/bottomk selection exactly as Prometheus makes it: Go's container/heap
// over the group's samples, then Go's sort of the heap. Which of several
// equal values makes the cut, and the order of the result, both follow
// from the heap's layout, so matching Prometheus means building the same
// heap.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace pharos::promql {

// One candidate: an input series index and its value at the step.
struct HeapElem {
  uint32_t series;
  double v;
};

// Selects the k best of `elems` (in input order) for topk (`top`) or
// bottomk, returning them in Prometheus' output order.
std::vector<HeapElem> SelectTopK(const std::vector<HeapElem>& elems, int64_t k, bool top);

}  // namespace pharos::promql
