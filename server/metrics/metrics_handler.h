// GET /metrics: the Registry in the Prometheus text format 0.0.4.
//
//   router.Handle("GET", "/metrics", [&registry](const Request& r) {
//     return HandleMetrics(registry, r);
//   });
//
// Thread-safety: pure function of the registry's current values.
#pragma once

#include "server/http_message.h"
#include "server/metrics/registry.h"

namespace pharos::server::metrics {

Response HandleMetrics(const Registry& registry, const Request& request);

}  // namespace pharos::server::metrics
