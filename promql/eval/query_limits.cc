#include "promql/eval/query_limits.h"

namespace pharos::promql {

void ThrowExecError(std::string message) {
  throw EvalError{Status(StatusCode::kFailedPrecondition, std::move(message))};
}

void ThrowStatus(Status status) { throw EvalError{std::move(status)}; }

void QueryLimits::Add(int64_t n) {
  int64_t now = current_.fetch_add(n, std::memory_order_relaxed) + n;
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  if (now > max_samples_) {
    ThrowStatus(Status(StatusCode::kResourceExhausted,
                       "query processing would load too many samples into memory in query "
                       "execution"));
  }
}

void QueryLimits::Check() const {
  if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
    ThrowStatus(Status(StatusCode::kCancelled, "query was canceled in expression evaluation"));
  }
  if (std::chrono::steady_clock::now() > deadline_) {
    ThrowStatus(
        Status(StatusCode::kDeadlineExceeded, "query timed out in expression evaluation"));
  }
}

}  // namespace pharos::promql
