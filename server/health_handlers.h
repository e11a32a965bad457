// The liveness and readiness endpoints, as Prometheus serves them:
//
//   GET|HEAD /-/healthy  200 "Pharos is Healthy.\n" while the process runs
//   GET|HEAD /-/ready    200 "Pharos is Ready.\n" once `ready` is true,
//                        503 "Service Unavailable" before
//
// Thread-safety: the handlers read `ready` atomically; any thread may set it.
#pragma once

#include <atomic>

#include "server/router.h"

namespace pharos::server {

// Registers both endpoints on `router`. `ready` must outlive the router; the
// server sets it once storage is open.
void RegisterHealthHandlers(Router& router, const std::atomic<bool>& ready);

}  // namespace pharos::server
