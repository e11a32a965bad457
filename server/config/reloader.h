// Reloader: loads the configuration file and hands it to the components
// that use it, all or nothing, as Prometheus' reloadConfig does on start,
// SIGHUP and POST /-/reload.
//
//   Reloader reloader("pharos.yml", log);
//   reloader.Register("scrape", [&](const Config& c) { return scrape.ApplyConfig(c); });
//   reloader.Register("rules", [&](const Config& c) { return rules.Update(c); });
//   RETURN_IF_ERROR(reloader.Reload());       // at startup: failure = exit
//   ...
//   reloader.Reload().IgnoreError();          // on SIGHUP: logged, kept old
//
// Reload(): read, parse and validate the whole file first; then call every
// registered component in registration order with the new Config. If
// loading or any component fails, the components that already took the new
// config get the previous one again (when there was one), the previous
// config stays current, and the error is returned and logged. The outcome
// is reported to the observer (for pharos_config_last_reload_successful and
// pharos_config_last_reload_success_timestamp_seconds).
//
// Thread-safety: Register() before the first Reload(); Reload() may be
// called from any thread (calls are serialized); current() and the status
// getters from any thread at any time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/config/config.h"
#include "server/logger.h"

namespace pharos::server {

class Reloader {
 public:
  // Applies a config to one component; an error rejects the reload.
  using ApplyFunc = std::function<Status(const Config&)>;
  // Told after every Reload(): whether it succeeded, and the time (ms since
  // the epoch) of the last successful one.
  using Observer = std::function<void(bool ok, int64_t last_success_ms)>;

  // `log` must outlive the Reloader.
  Reloader(std::string path, const Logger& log);

  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  void Register(std::string name, ApplyFunc apply);
  void SetObserver(Observer observer);

  // See above. Errors: the loader's (kInvalidArgument, kIOError) prefixed
  // "couldn't load configuration (--config.file="<path>"): ", or
  // "one or more errors occurred while applying the new configuration
  // (--config.file="<path>")" when a component failed.
  Status Reload();

  // The config in force, or nullptr before the first successful Reload().
  std::shared_ptr<const Config> current() const;
  bool last_reload_successful() const;
  int64_t last_success_ms() const;
  const std::string& path() const { return path_; }

 private:
  struct Component {
    std::string name;
    ApplyFunc apply;
  };

  void Report(bool ok);

  const std::string path_;
  const Logger& log_;
  std::vector<Component> components_;
  Observer observer_;

  std::mutex reload_mu_;  // serializes Reload()
  mutable std::mutex mu_;
  std::shared_ptr<const Config> current_;  // GUARDED_BY(mu_)
  bool last_ok_ = false;                   // GUARDED_BY(mu_)
  int64_t last_success_ms_ = 0;            // GUARDED_BY(mu_)
};

}  // namespace pharos::server
