// Registers the endpoints that expose Pharos' data and state to other
// systems, besides the query API:
//
//   GET  /metrics                        Pharos' own metrics (text 0.0.4)
//   GET  /federate                       latest samples for match[]
//   POST /api/v1/read                    remote read (SAMPLES)
//   POST|PUT /api/v1/admin/tsdb/...      admin API (--web.enable-admin-api)
//
//   metrics::Registry registry;
//   RegisterTelemetryRoutes(router, app, registry, [&reloader] { ... });
//
// /federate, /api/v1/read and the admin API answer 503 until the server is
// ready; /metrics, /federate and /api/v1/read run on the query lane.
//
// REQUIRES: `app` and `registry` outlive the router.
#pragma once

#include <functional>

#include "server/app_state.h"
#include "server/metrics/registry.h"
#include "server/router.h"

namespace pharos::server {

// `external_labels` returns the configuration's global external labels
// (read per request by /federate and remote read); unset means none.
void RegisterTelemetryRoutes(Router& router, AppState& app, metrics::Registry& registry,
                             std::function<tsdb::Labels()> external_labels = {});

}  // namespace pharos::server
