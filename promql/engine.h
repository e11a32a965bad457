// Engine: evaluates PromQL over any tsdb::Queryable with Prometheus'
// semantics, within a timeout, a cap on samples held in memory, and a
// cancellation flag.
//
// Errors, each a distinct StatusCode so callers (the HTTP API's one error
// table) can tell them apart:
//   kInvalidArgument     the query does not parse or is malformed
//                        (Prometheus' bad_data)
//   kFailedPrecondition  evaluation failed: many-to-many matching, duplicate
//                        label sets, ... (Prometheus' execution error)
//   kResourceExhausted   more than max_samples samples in memory at once
//   kDeadlineExceeded    the timeout expired
//   kCancelled           the caller's cancellation flag was set
//   anything else        storage failed
//
// Thread-safety: an Engine is immutable after construction; any number of
// queries may run on it at once from different threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promql/ast/node.h"
#include "promql/value.h"
#include "tsdb/status.h"

namespace pharos::tsdb {
class Queryable;
}

namespace pharos::promql {

struct EngineOptions {
  // How far back an instant selector looks for the latest sample.
  // Default: 5 minutes (Prometheus' --query.lookback-delta).
  int64_t lookback_delta_ms = 5 * 60 * 1000;

  // Most samples a query may hold in memory at once.
  // Default: 50,000,000 (Prometheus' --query.max-samples).
  int64_t max_samples = 50'000'000;

  // Default: 2 minutes (Prometheus' --query.timeout).
  std::chrono::milliseconds timeout{2 * 60 * 1000};

  // The step of a subquery written without one (`x[1h:]`): the global
  // evaluation interval. Default: 1 minute.
  int64_t default_subquery_step_ms = 60 * 1000;

  // Threads used for per-series work within one query (selecting, decoding,
  // range functions). Default: 2.
  int parallelism = 2;
};

// Per-query settings; unset fields take the EngineOptions value.
struct QueryOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int64_t> lookback_delta_ms;
  // When set by another thread, the query stops at its next check and
  // fails with kCancelled. Must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
};

struct QueryStats {
  // Samples read from storage or produced by subqueries over the whole
  // query (Prometheus' totalQueryableSamples).
  int64_t total_samples = 0;
  // The most samples held in memory at one time.
  int64_t peak_samples = 0;
  // Wall time spent parsing, preparing (selecting series), evaluating.
  double parse_seconds = 0;
  double prepare_seconds = 0;
  double eval_seconds = 0;
};

struct QueryResult {
  Value value;
  std::vector<std::string> warnings;
  QueryStats stats;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();

  const EngineOptions& options() const { return options_; }

  // Evaluates `query` at `t_ms`: a scalar, string, instant vector, or (for a
  // range selector or subquery at the top) a range vector.
  Result<QueryResult> InstantQuery(tsdb::Queryable& storage, std::string_view query, int64_t t_ms,
                                   const QueryOptions& opts = {}) const;

  // Evaluates `query` at start, start+step, ... up to end; the result is
  // always a matrix (scalars become a series without labels). Fails with
  // kInvalidArgument when end < start, step <= 0, the query is not a scalar
  // or instant vector, or it would have more than 11,000 steps.
  Result<QueryResult> RangeQuery(tsdb::Queryable& storage, std::string_view query, int64_t start_ms,
                                 int64_t end_ms, int64_t step_ms,
                                 const QueryOptions& opts = {}) const;

  // The same over an already parsed expression (rules parse once and
  // evaluate many times). step_ms 0 means an instant query at start_ms.
  Result<QueryResult> Evaluate(tsdb::Queryable& storage, const Expr& expr, int64_t start_ms,
                               int64_t end_ms, int64_t step_ms,
                               const QueryOptions& opts = {}) const;

 private:
  EngineOptions options_;
};

}  // namespace pharos::promql
