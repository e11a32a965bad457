// The /api/v1/status endpoints, as Prometheus 2.42 answers them:
//
//   GET /api/v1/status/buildinfo    version ("2.42.0+pharos.<version>": the
//                                   Prometheus API level, as semver, with
//                                   Pharos' own version as build metadata,
//                                   which version checks ignore), revision,
//                                   branch, buildUser, buildDate, goVersion
//                                   (the compiler)
//   GET /api/v1/status/config       {"yaml": the configuration}
//   GET /api/v1/status/flags        every flag -> its value
//   GET /api/v1/status/runtimeinfo  startTime, CWD, reload state, counts
//   GET /api/v1/status/tsdb         head statistics and top-10 cardinalities
//   GET /api/v1/status/walreplay    {"min":0,"max":0,"current":0}
//
// Thread-safety: handlers may run concurrently.
#pragma once

#include "server/app_state.h"
#include "server/http_message.h"
#include "server/version.h"

namespace pharos::server {

// The Prometheus version whose API Pharos serves.
inline constexpr char kPrometheusApiVersion[] = "2.42.0";

Response HandleBuildInfo(const BuildInfo& build, const Request& req);
Response HandleStatusConfig(const AppState& app, const Request& req);
Response HandleStatusFlags(const Flags& flags, const Request& req);
Response HandleRuntimeInfo(const AppState& app, const Request& req);
// REQUIRES: app.db() is not null.
Response HandleTsdbStatus(const AppState& app, const Request& req);
Response HandleWalReplay(const Request& req);

}  // namespace pharos::server
