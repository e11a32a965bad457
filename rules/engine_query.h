// EngineQueryFunc: the QueryFunc that evaluates rules with the PromQL engine
// over a storage, as Prometheus' rules.EngineQueryFunc: a scalar result
// becomes one sample without labels; a string or range vector is an error
// ("rule result is not a vector or scalar").
#pragma once

#include "promql/engine.h"
#include "rules/rule.h"
#include "tsdb/storage.h"

namespace pharos::rules {

// `engine` and `storage` must outlive the returned function.
QueryFunc EngineQueryFunc(const promql::Engine& engine, tsdb::Queryable& storage);

}  // namespace pharos::rules
