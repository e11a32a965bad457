#include "server/app_state.h"

namespace pharos::server {

promql::EngineOptions ToEngineOptions(const Flags& flags) {
  promql::EngineOptions options;
  options.timeout = std::chrono::milliseconds(flags.query_timeout_ms);
  options.max_samples = flags.query_max_samples;
  options.lookback_delta_ms = flags.query_lookback_delta_ms;
  return options;
}

AppState::AppState(Flags f, const Logger& l, BuildInfo b)
    : flags(std::move(f)),
      log(l),
      build(std::move(b)),
      start_time(std::chrono::system_clock::now()),
      engine(ToEngineOptions(flags)) {}

Router::Handler WhenReady(const AppState& app, Router::Handler handler) {
  return [&app, handler = std::move(handler)](const Request& req) {
    if (!app.ready.load(std::memory_order_acquire) || app.db() == nullptr) {
      return Response::Text(503, "Service Unavailable");
    }
    return handler(req);
  };
}

}  // namespace pharos::server
