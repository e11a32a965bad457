#include "server/health_handlers.h"

namespace pharos::server {

void RegisterHealthHandlers(Router& router, const std::atomic<bool>& ready) {
  router.Handle("GET", "/-/healthy",
                [](const Request&) { return Response::Text(200, "Pharos is Healthy.\n"); });
  router.Handle("GET", "/-/ready", [&ready](const Request&) {
    if (!ready.load(std::memory_order_acquire)) {
      return Response::Text(503, "Service Unavailable");
    }
    return Response::Text(200, "Pharos is Ready.\n");
  });
}

}  // namespace pharos::server
