// GET /federate: the latest sample of every series matching any `match[]`
// selector, in the Prometheus text format, as Prometheus 2.42 serves it
// (web/federate.go):
//
//   GET /federate?match[]={job="node"}&match[]=up
//
//   # TYPE up untyped
//   up{instance="a:9100",job="node"} 1 1700000000000
//
// A series contributes the newest sample within [now - lookback_delta,
// now] that is not a staleness marker; series without one are left out.
// Families are ordered by metric name, series within a family by labels.
// Every series carries the external labels it does not already have (in
// name order, after its own), and an empty `instance=""` when neither the
// series nor the external labels have an instance label, so a federating
// Prometheus with honor_labels keeps them apart. Nameless series are
// skipped. No `match[]` gives an empty 200; a selector that does not parse
// gives 400 with the parser's message.
//
// Thread-safety: a pure function of storage and the request.
#pragma once

#include <cstdint>
#include <functional>

#include "server/http_message.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::server {

struct FederateOptions {
  // --query.lookback-delta, in ms. Default: 5 minutes.
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // The configuration's global external labels; unset means none. Called
  // once per request.
  std::function<tsdb::Labels()> external_labels;
  // The request's "now" in ms; unset means the wall clock (tests set it).
  std::function<int64_t()> now_ms;
};

Response HandleFederate(tsdb::Queryable& storage, const FederateOptions& options,
                        const Request& request);

}  // namespace pharos::server
