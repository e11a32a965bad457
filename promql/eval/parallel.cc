#include "promql/eval/parallel.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pharos::promql {

void ParallelFor(size_t n, int threads, const std::function<void(size_t, size_t)>& fn) {
  if (threads <= 1 || n < kMinParallelItems) {
    for (size_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  // Items are handed out in small blocks so uneven series sizes balance.
  constexpr size_t kBlock = 16;
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex mu;
  auto work = [&](size_t worker) {
    try {
      for (;;) {
        const size_t begin = next.fetch_add(kBlock);
        if (begin >= n) return;
        const size_t end = std::min(n, begin + kBlock);
        for (size_t i = begin; i < end; ++i) fn(worker, i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> l(mu);
      if (!error) error = std::current_exception();
      next.store(n);  // stop the others early
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, static_cast<size_t>(t));
  work(0);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace pharos::promql
