// AppState: what the HTTP handlers of the server share. main() builds one,
// registers every handler group on the Router with a reference to it, starts
// the HTTP server, then opens storage and publishes it with SetDb(), then
// marks the server ready.
//
//   AppState app(flags, log);
//   RegisterHealthHandlers(router, app.ready);
//   RegisterApiHandlers(router, app);            // server/api/api_routes.h
//   router.Handle("POST", "/api/v1/write", WhenReady(app, [&app](const Request& r) {
//     tsdb::Db* db = app.db();                    // non-null inside WhenReady
//     ...
//   }));
//   ...
//   app.SetDb(db.get());  app.ready = true;
//
// Providers (targets, rules, alertmanagers, config) are set by the
// subsystems that own the data, at any time; handlers read them per request
// and answer empty results while one is null.
//
// Thread-safety: db(), ready and the provider slots may be read from any
// thread concurrently with SetDb() and Set(); everything else is immutable
// after construction.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include "promql/engine.h"
#include "server/api/providers.h"
#include "server/flags.h"
#include "server/logger.h"
#include "server/router.h"
#include "server/version.h"
#include "tsdb/db.h"

namespace pharos::server {

// A shared_ptr that one thread may replace while others read it.
template <typename T>
class ProviderSlot {
 public:
  void Set(std::shared_ptr<T> p) {
    std::lock_guard<std::mutex> lock(mu_);
    p_ = std::move(p);
  }
  // The current provider, or nullptr.
  std::shared_ptr<T> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return p_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<T> p_;  // GUARDED_BY(mu_)
};

// The engine options the --query.* flags ask for.
promql::EngineOptions ToEngineOptions(const Flags& flags);

class AppState {
 public:
  // `log` must outlive the AppState.
  AppState(Flags flags, const Logger& log, BuildInfo build = {});

  AppState(const AppState&) = delete;
  AppState& operator=(const AppState&) = delete;

  const Flags flags;
  const Logger& log;
  // This binary's build (buildinfo).
  const BuildInfo build;
  // When the server started (runtimeinfo's startTime).
  const std::chrono::system_clock::time_point start_time;
  // The query engine configured by the --query.* flags.
  const promql::Engine engine;

  // True once storage is open and the server takes requests (/-/ready).
  std::atomic<bool> ready{false};

  // The open database, or nullptr before storage is open.
  tsdb::Db* db() const { return db_.load(std::memory_order_acquire); }
  // Publishes storage (nullptr again before closing it). The Db must stay
  // open while it is published.
  void SetDb(tsdb::Db* db) { db_.store(db, std::memory_order_release); }

  ProviderSlot<TargetsProvider> targets;
  ProviderSlot<RulesProvider> rules;
  ProviderSlot<AlertmanagersProvider> alertmanagers;
  ProviderSlot<ConfigProvider> config;

 private:
  std::atomic<tsdb::Db*> db_{nullptr};
};

// Wraps `handler` so that it answers 503 "Service Unavailable" (plain text,
// as Prometheus' API does) until the server is ready and storage is open.
Router::Handler WhenReady(const AppState& app, Router::Handler handler);

}  // namespace pharos::server
