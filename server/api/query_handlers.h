// The PromQL endpoints of /api/v1, as Prometheus 2.42 answers them:
//
//   GET|POST /api/v1/query            query, time (default now), timeout, stats
//   GET|POST /api/v1/query_range      query, start, end, step, timeout, stats
//   GET|POST /api/v1/format_query     query
//   GET|POST /api/v1/query_exemplars  query, start, end (no exemplar storage
//                                     yet: [] when the query has selectors,
//                                     204 when it has none)
//
// Handlers are pure functions of their dependencies and the request.
// Evaluation stops with 499 "canceled" once request.client_gone turns true
// (the client hung up); stats' execQueueTime is request.queue_seconds.
//
// Thread-safety: handlers may run concurrently; the storage must allow
// concurrent NewQuerier() calls.
#pragma once

#include <cstdint>
#include <functional>

#include "promql/engine.h"
#include "server/http_message.h"
#include "tsdb/storage.h"

namespace pharos::server {

struct QueryDeps {
  tsdb::Queryable* storage = nullptr;
  const promql::Engine* engine = nullptr;
  // The current time in ms, the default of `time`. Empty: the system clock.
  std::function<int64_t()> now_ms;
};

Response HandleQuery(const QueryDeps& deps, const Request& req);
Response HandleQueryRange(const QueryDeps& deps, const Request& req);
Response HandleFormatQuery(const Request& req);
Response HandleQueryExemplars(const Request& req);

}  // namespace pharos::server
