// Registers every /api/v1 query, metadata and status endpoint on a Router.
//
//   AppState app(flags, log);
//   RegisterApiHandlers(router, app);
//
// Every endpoint answers 503 "Service Unavailable" until app.ready is set
// and storage is published (Prometheus' API does the same before it is
// ready). PromQL, series and label endpoints run on Lane::kQuery, so at most
// --query.max-concurrency of them run at once. OPTIONS on each of these paths
// answers 204, as Prometheus does for CORS preflight.
//
// REQUIRES: `app` outlives the router.
#pragma once

#include "server/app_state.h"
#include "server/router.h"

namespace pharos::server {

void RegisterApiHandlers(Router& router, AppState& app);

}  // namespace pharos::server
