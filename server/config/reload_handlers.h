// HTTP side of configuration reload: /-/reload and the ConfigProvider that
// /api/v1/status/config and runtimeinfo read.
//
//   RegisterReloadHandlers(router, reloader, flags.enable_lifecycle);
//   app.config.Set(std::make_shared<ReloaderConfigProvider>(reloader));
//
// POST or PUT /-/reload, as Prometheus 2.42 answers:
//   with --web.enable-lifecycle: 200 and an empty body after a successful
//     reload; 500 "failed to reload config: <error>\n" otherwise.
//   without it: 403 "Lifecycle API is not enabled."
//
// Thread-safety: handlers run on any HTTP thread; Reloader serializes.
#pragma once

#include <memory>
#include <string>

#include "server/api/providers.h"
#include "server/config/reloader.h"
#include "server/router.h"

namespace pharos::server {

// `reloader` must outlive the router's use of the handlers.
void RegisterReloadHandlers(Router& router, Reloader& reloader, bool enable_lifecycle);

// The config in force, as the file text it was loaded from.
class ReloaderConfigProvider : public ConfigProvider {
 public:
  explicit ReloaderConfigProvider(const Reloader& reloader) : reloader_(reloader) {}
  std::string Yaml() override;
  bool LastReloadSucceeded() override { return reloader_.last_reload_successful(); }
  int64_t LastReloadSuccessMs() override { return reloader_.last_success_ms(); }

 private:
  const Reloader& reloader_;
};

}  // namespace pharos::server
