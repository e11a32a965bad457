// ScrapeManager: every scrape pool of the configuration, their target
// discovery, and what the API shows of them, as Prometheus 2.42's
// scrape.Manager.
//
//   ScrapeManager scrape({.storage = db, .log = &log});
//   RETURN_IF_ERROR(scrape.ApplyConfig(*config));        // at start and on reload
//   app.targets.Set(std::shared_ptr<TargetsProvider>(&scrape, [](auto*) {}));
//   ...
//   scrape.Stop();                                       // before closing storage
//
// ApplyConfig: pools (keyed by job_name) that a reload adds start, removed
// ones stop (their series get stale markers), pools whose scrape settings
// changed restart their loops, and pools whose settings did not change keep
// their loops, timing and caches untouched; only their target lists are
// re-synced. file_sd files are polled for changes every poll interval and
// re-read in full every refresh_interval.
//
// Threads: one io thread (HTTP, timers) and a small worker pool (parsing,
// appending, file reads).
//
// Thread-safety: all public methods are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/api/providers.h"
#include "server/config/config.h"
#include "server/logger.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace pharos::server::scrape {

struct ScrapeManagerOptions {
  // Where samples go. Must outlive the manager (or Stop()).
  tsdb::Appendable* storage = nullptr;
  // May be null (no logging). Must outlive the manager.
  const Logger* log = nullptr;
  // Default: "Pharos".
  std::string user_agent = "Pharos";
  // Mixed into each target's scrape offset (Prometheus: a hash of the
  // external labels and hostname). Default: 0.
  uint64_t offset_seed = 0;
  // How often file_sd files are checked for changes. Default: 1s.
  int64_t file_sd_poll_ms = 1000;
  // Threads parsing and appending. Default: 2.
  int worker_threads = 2;
};

// Counters over every loop, for /metrics.
struct ScrapeManagerStats {
  uint64_t scrapes = 0;
  uint64_t failed_scrapes = 0;
  uint64_t samples = 0;
  // Scrapes failed for going over sample_limit or body_size_limit.
  uint64_t exceeded_sample_limit = 0;
  uint64_t exceeded_body_size_limit = 0;
  // Samples storage refused, summed over scrapes.
  uint64_t sample_out_of_order = 0;
  uint64_t sample_out_of_bounds = 0;
  uint64_t sample_duplicate_timestamp = 0;
  uint64_t file_sd_read_errors = 0;
  uint64_t active_targets = 0;
  // Active targets by job name.
  std::map<std::string, uint64_t> pool_targets;
};

class ScrapeManager : public TargetsProvider {
 public:
  explicit ScrapeManager(ScrapeManagerOptions options);
  ~ScrapeManager() override;
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;

  // Applies the scrape_configs of `config`. Never fails on a valid Config;
  // targets that cannot be built are logged and skipped.
  Status ApplyConfig(const Config& config);

  // Stops every loop without stale markers (shutdown) and joins the
  // threads. Idempotent; the manager answers empty lists afterwards.
  void Stop();

  ScrapeManagerStats Stats() const;

  // TargetsProvider. Active targets by pool name, then discovery order.
  std::vector<ActiveTarget> ActiveTargets() override;
  std::vector<DroppedTarget> DroppedTargets() override;
  std::vector<TargetMetadata> Metadata() override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Prometheus' globalURL: the scrape URL with a loopback host replaced by
// this machine's hostname.
std::string GlobalUrl(const std::string& url);

}  // namespace pharos::server::scrape
