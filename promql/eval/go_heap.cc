#include "promql/eval/go_heap.h"

#include <algorithm>

namespace pharos::promql {
namespace {

// Prometheus' vectorByValueHeap (topk, a min-heap) and
// vectorByReverseValueHeap (bottomk, a max-heap): NaN sorts as the worst.
struct Less {
  bool top;
  bool operator()(const HeapElem& a, const HeapElem& b) const {
    if (std::isnan(a.v)) return true;
    return top ? a.v < b.v : a.v > b.v;
  }
};

// container/heap's up and down.
void Up(std::vector<HeapElem>& h, size_t j, const Less& less) {
  while (j > 0) {
    const size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

void Down(std::vector<HeapElem>& h, size_t i, size_t n, const Less& less) {
  for (;;) {
    const size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (const size_t j2 = j1 + 1; j2 < n && less(h[j2], h[j1])) j = j2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
}

}  // namespace

std::vector<HeapElem> SelectTopK(const std::vector<HeapElem>& elems, int64_t k, bool top) {
  const Less less{top};
  std::vector<HeapElem> h;
  if (elems.empty() || k < 1) return h;
  h.reserve(static_cast<size_t>(std::min<int64_t>(k, static_cast<int64_t>(elems.size()))));
  h.push_back(elems[0]);
  for (size_t e = 1; e < elems.size(); ++e) {
    const HeapElem& s = elems[e];
    const bool replace = top ? (h[0].v < s.v) : (h[0].v > s.v);
    if (static_cast<int64_t>(h.size()) < k || replace || std::isnan(h[0].v)) {
      if (static_cast<int64_t>(h.size()) == k) {
        if (k == 1) {  // replaced in place, as Prometheus does
          h[0] = s;
          continue;
        }
        // heap.Pop: swap the root to the end, restore, drop it.
        std::swap(h[0], h.back());
        Down(h, 0, h.size() - 1, less);
        h.pop_back();
      }
      h.push_back(s);
      Up(h, h.size() - 1, less);
    }
  }
  // sort.Sort(sort.Reverse(heap)): Go sorts up to 12 elements by insertion,
  // which is stable; beyond that its order among equal values is its own,
  // and a stable sort stands in for it.
  auto rev_less = [&](const HeapElem& a, const HeapElem& b) { return less(b, a); };
  if (h.size() <= 12) {
    for (size_t i = 1; i < h.size(); ++i) {
      for (size_t j = i; j > 0 && rev_less(h[j], h[j - 1]); --j) std::swap(h[j], h[j - 1]);
    }
  } else {
    std::stable_sort(h.begin(), h.end(), [&](const HeapElem& a, const HeapElem& b) {
      if (std::isnan(a.v) || std::isnan(b.v)) return !std::isnan(a.v) && std::isnan(b.v);
      return top ? a.v > b.v : a.v < b.v;
    });
  }
  return h;
}

}  // namespace pharos::promql
