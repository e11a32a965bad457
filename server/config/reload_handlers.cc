// /-/reload and the config provider.

#include "server/config/reload_handlers.h"

namespace pharos::server {

void RegisterReloadHandlers(Router& router, Reloader& reloader, bool enable_lifecycle) {
  Router::Handler handler;
  if (enable_lifecycle) {
    handler = [&reloader](const Request&) {
      Status s = reloader.Reload();
      if (!s.ok()) return Response::Text(500, "failed to reload config: " + s.message() + "\n");
      return Response::Text(200, "");
    };
  } else {
    handler = [](const Request&) { return Response::Text(403, "Lifecycle API is not enabled."); };
  }
  router.Handle("POST", "/-/reload", handler);
  router.Handle("PUT", "/-/reload", handler);
}

std::string ReloaderConfigProvider::Yaml() {
  std::shared_ptr<const Config> c = reloader_.current();
  return c ? c->source_text : std::string();
}

}  // namespace pharos::server
