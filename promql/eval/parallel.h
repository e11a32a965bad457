// ParallelFor: runs fn(worker, i) for i in [0, n) on up to `threads`
// threads, the calling thread included; `worker` in [0, threads) names the
// thread, for per-thread scratch space. An exception thrown by any call is rethrown on
// the calling thread after all threads have finished.
#pragma once

#include <cstddef>
#include <functional>

namespace pharos::promql {

// Below this many items the work runs on the calling thread alone: starting
// a thread costs more than it saves.
inline constexpr size_t kMinParallelItems = 64;

void ParallelFor(size_t n, int threads, const std::function<void(size_t, size_t)>& fn);

}  // namespace pharos::promql
