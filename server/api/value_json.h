// PromQL results and query statistics as Prometheus' API writes them.
//
//   {"resultType":"vector","result":[{"metric":{...},"value":[1.5,"1"]}]}
//
// Scalars and strings carry their time as a JSON float ([4.5,"2"]); vector
// and matrix points as seconds with three-digit milliseconds ([4.500,"1"]);
// values as FormatSampleValue() prints them, except scalars ('f' always), as
// Prometheus 2.42 does.
//
// Thread-safety: pure functions.
#pragma once

#include "promql/engine.h"
#include "promql/value.h"
#include "server/api/api_json.h"
#include "tsdb/labels.h"

namespace pharos::server {

// {"name":"value",...} in label order.
void WriteLabels(JsonWriter& w, const tsdb::Labels& labels);

// {"resultType":...,"result":...}, without closing the object when
// `keep_open` so the caller can add "stats".
void WriteQueryData(JsonWriter& w, const promql::Value& value, bool keep_open = false);

// Prometheus' stats object: {"timings":{...},"samples":{...}}.
void WriteQueryStats(JsonWriter& w, const promql::QueryStats& stats, double queue_seconds);

}  // namespace pharos::server
