#include "server/telemetry_routes.h"

#include "server/admin/admin_handlers.h"
#include "server/federate/federate_handler.h"
#include "server/metrics/metrics_handler.h"
#include "server/remote/read_handler.h"

namespace pharos::server {

void RegisterTelemetryRoutes(Router& router, AppState& app, metrics::Registry& registry,
                             std::function<tsdb::Labels()> external_labels) {
  // Storage statistics walk the head's index, which takes a while with
  // millions of series: off the fast lane.
  router.Handle(
      "GET", "/metrics",
      [&registry](const Request& r) { return metrics::HandleMetrics(registry, r); },
      Lane::kQuery);

  FederateOptions federate;
  federate.lookback_delta_ms = app.flags.query_lookback_delta_ms;
  federate.external_labels = external_labels;
  Router::Handler fed = WhenReady(app, [&app, federate](const Request& r) {
    return HandleFederate(*app.db(), federate, r);
  });
  router.Handle("GET", "/federate", fed, Lane::kQuery);
  router.Handle("POST", "/federate", fed, Lane::kQuery);

  RemoteReadOptions read;
  read.sample_limit = app.flags.remote_read_sample_limit;
  read.max_bytes_in_frame = static_cast<size_t>(app.flags.remote_read_max_bytes_in_frame);
  read.gate = std::make_shared<ReadGate>(app.flags.remote_read_concurrent_limit);
  read.external_labels = std::move(external_labels);
  router.Handle("POST", "/api/v1/read", WhenReady(app, [&app, read](const Request& r) {
                  return HandleRemoteRead(*app.db(), read, r);
                }),
                Lane::kQuery);

  AdminOptions admin;
  admin.enabled = app.flags.enable_admin_api;
  admin.data_dir = app.flags.storage_path;
  RegisterAdminHandlers(router, app, admin);
}

}  // namespace pharos::server
