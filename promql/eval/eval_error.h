// EvalError: how the evaluator aborts a query from deep inside the tree
// (Prometheus' ev.errorf / ev.recover). Thrown only inside the evaluator and
// caught in exactly one place, Engine, which returns its Status; no
// exception leaves promql.
#pragma once

#include <string>
#include <utility>

#include "tsdb/status.h"

namespace pharos::promql {

struct EvalError {
  Status status;
};

// Aborts the query with an execution error (kFailedPrecondition), the
// message as Prometheus words it.
[[noreturn]] void ThrowExecError(std::string message);
[[noreturn]] void ThrowStatus(Status status);

// The value of `r`, or a throw of its error.
template <typename T>
T ValueOrThrow(Result<T> r) {
  if (!r.ok()) ThrowStatus(r.status());
  return std::move(r).value();
}

}  // namespace pharos::promql
