#include "server/api/api_routes.h"

#include "server/api/metadata_handlers.h"
#include "server/api/provider_handlers.h"
#include "server/api/query_handlers.h"
#include "server/api/status_handlers.h"

namespace pharos::server {
namespace {

// Prometheus' answer to OPTIONS (CORS preflight).
Response NoContent(const Request&) {
  Response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

}  // namespace

void RegisterApiHandlers(Router& router, AppState& app) {
  auto query_deps = [&app] {
    QueryDeps deps;
    deps.storage = app.db();
    deps.engine = &app.engine;
    return deps;
  };
  // Registers `handler` for GET and, when `post`, POST.
  auto add = [&router, &app](std::string_view path, Router::Handler handler, Lane lane,
                             bool post) {
    Router::Handler ready = WhenReady(app, std::move(handler));
    router.Handle("GET", path, ready, lane);
    if (post) router.Handle("POST", path, ready, lane);
    router.Handle("OPTIONS", path, NoContent);
  };
  const Lane q = Lane::kQuery;
  const Lane f = Lane::kFast;

  add("/api/v1/query", [query_deps](const Request& r) { return HandleQuery(query_deps(), r); }, q,
      true);
  add("/api/v1/query_range",
      [query_deps](const Request& r) { return HandleQueryRange(query_deps(), r); }, q, true);
  add("/api/v1/format_query", HandleFormatQuery, f, true);
  add("/api/v1/query_exemplars", HandleQueryExemplars, f, true);
  add("/api/v1/series", [&app](const Request& r) { return HandleSeries(*app.db(), r); }, q, true);
  add("/api/v1/labels", [&app](const Request& r) { return HandleLabelNames(*app.db(), r); }, q,
      true);
  add("/api/v1/label/:name/values",
      [&app](const Request& r) { return HandleLabelValues(*app.db(), r); }, q, false);

  add("/api/v1/metadata",
      [&app](const Request& r) { return HandleMetadata(app.targets.Get().get(), r); }, f, false);
  add("/api/v1/targets",
      [&app](const Request& r) { return HandleTargets(app.targets.Get().get(), r); }, f, false);
  add("/api/v1/targets/metadata",
      [&app](const Request& r) { return HandleTargetsMetadata(app.targets.Get().get(), r); }, f,
      false);
  add("/api/v1/rules", [&app](const Request& r) { return HandleRules(app.rules.Get().get(), r); },
      f, false);
  add("/api/v1/alerts",
      [&app](const Request& r) { return HandleAlerts(app.rules.Get().get(), r); }, f, false);
  add("/api/v1/alertmanagers",
      [&app](const Request& r) {
        return HandleAlertmanagers(app.alertmanagers.Get().get(), r);
      },
      f, false);

  add("/api/v1/status/buildinfo",
      [&app](const Request& r) { return HandleBuildInfo(app.build, r); }, f, false);
  add("/api/v1/status/config", [&app](const Request& r) { return HandleStatusConfig(app, r); }, f,
      false);
  add("/api/v1/status/flags",
      [&app](const Request& r) { return HandleStatusFlags(app.flags, r); }, f, false);
  add("/api/v1/status/runtimeinfo",
      [&app](const Request& r) { return HandleRuntimeInfo(app, r); }, f, false);
  add("/api/v1/status/tsdb", [&app](const Request& r) { return HandleTsdbStatus(app, r); }, q,
      false);
  add("/api/v1/status/walreplay", HandleWalReplay, f, false);
}

}  // namespace pharos::server
