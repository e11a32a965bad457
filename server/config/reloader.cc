// Reloader: all-or-nothing application of a new configuration.

#include "server/config/reloader.h"

#include <chrono>

namespace pharos::server {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Reloader::Reloader(std::string path, const Logger& log) : path_(std::move(path)), log_(log) {}

void Reloader::Register(std::string name, ApplyFunc apply) {
  components_.push_back({std::move(name), std::move(apply)});
}

void Reloader::SetObserver(Observer observer) { observer_ = std::move(observer); }

Status Reloader::Reload() {
  std::lock_guard<std::mutex> serial(reload_mu_);
  const auto start = std::chrono::steady_clock::now();
  log_.Info("Loading configuration file", {{"filename", path_}});

  Result<std::shared_ptr<const Config>> loaded = LoadConfigFile(path_);
  if (!loaded.ok()) {
    Status s(loaded.status().code(), "couldn't load configuration (--config.file=\"" + path_ +
                                         "\"): " + loaded.status().message());
    log_.Error("Error reloading config", {{"err", s.message()}});
    Report(false);
    return s;
  }
  const std::shared_ptr<const Config> next = *loaded;
  const std::shared_ptr<const Config> previous = current();

  size_t applied = 0;
  Status failure;
  for (; applied < components_.size(); ++applied) {
    Status s = components_[applied].apply(*next);
    if (!s.ok()) {
      log_.Error("Failed to apply configuration", {{"component", components_[applied].name}, {"err", s.message()}});
      failure = s;
      break;
    }
  }
  if (!failure.ok()) {
    // Put back what the components before the failing one had.
    if (previous) {
      for (size_t i = 0; i < applied; ++i) {
        Status s = components_[i].apply(*previous);
        if (!s.ok()) {
          log_.Error("Failed to restore the previous configuration",
                     {{"component", components_[i].name}, {"err", s.message()}});
        }
      }
    }
    Status s = InvalidArgumentError("one or more errors occurred while applying the new configuration (--config.file=\"" +
                                    path_ + "\")");
    log_.Error("Error reloading config", {{"err", s.message()}});
    Report(false);
    return s;
  }

  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = next;
  }
  Report(true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log_.Info("Completed loading of configuration file",
            {{"filename", path_}, {"totalDuration", std::to_string(seconds * 1000) + "ms"}});
  return Status::Ok();
}

void Reloader::Report(bool ok) {
  int64_t last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_ok_ = ok;
    if (ok) last_success_ms_ = NowMs();
    last = last_success_ms_;
  }
  if (observer_) observer_(ok, last);
}

std::shared_ptr<const Config> Reloader::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

bool Reloader::last_reload_successful() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_ok_;
}

int64_t Reloader::last_success_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_success_ms_;
}

}  // namespace pharos::server
