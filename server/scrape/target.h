// Target: one scrape target of a scrape pool, what /api/v1/targets shows
// of it, and the metadata its last scrapes exposed.
//
//   auto t = std::make_shared<Target>(populated.labels, populated.discovered, cfg.params);
//   t->url();            // http://host:port/metrics?x=y
//   t->Report(start_ms, 0.012, Status());    // after each scrape
//   t->health();         // kUp
//
// Identity: two targets are the same target (a reload keeps its loop) when
// their full labels and URL are equal; hash() digests both.
//
// Thread-safety: the labels, URL and intervals are immutable; Report() and
// the state getters are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/scrape/scrape_cache.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::server::scrape {

enum class TargetHealth { kUnknown, kUp, kDown };

// "up", "down", "unknown".
std::string_view TargetHealthName(TargetHealth h);

class Target {
 public:
  // `labels`: the full labels after relabeling (with __address__ etc.).
  Target(tsdb::Labels labels, tsdb::Labels discovered,
         std::map<std::string, std::vector<std::string>> params);

  // The full labels, `__` ones included.
  const tsdb::Labels& full_labels() const { return full_labels_; }
  // The labels attached to every sample: no `__` labels.
  const tsdb::Labels& labels() const { return labels_; }
  const tsdb::Labels& discovered_labels() const { return discovered_; }
  const std::string& url() const { return url_; }
  uint64_t hash() const { return hash_; }
  // From __scrape_interval__ / __scrape_timeout__.
  int64_t interval_ms() const { return interval_ms_; }
  int64_t timeout_ms() const { return timeout_ms_; }

  // Where in each interval this target is scraped: the delay from `now_ms`
  // to the target's next slot, pinned to absolute time (stable across
  // reloads and restarts), as Prometheus' Target.offset.
  int64_t OffsetMs(int64_t now_ms, uint64_t seed) const;

  // Records a scrape's outcome.
  void Report(int64_t start_ms, double duration_seconds, const Status& error);

  struct State {
    TargetHealth health = TargetHealth::kUnknown;
    std::string last_error;
    int64_t last_scrape_ms = 0;
    double last_duration_seconds = 0;
  };
  State state() const;

  // The scrape cache (series and metadata), shared with the scrape loop.
  const std::shared_ptr<ScrapeCache>& cache() const { return cache_; }

 private:
  tsdb::Labels full_labels_;
  tsdb::Labels labels_;
  tsdb::Labels discovered_;
  std::string url_;
  uint64_t hash_ = 0;
  int64_t interval_ms_ = 0;
  int64_t timeout_ms_ = 0;
  std::shared_ptr<ScrapeCache> cache_ = std::make_shared<ScrapeCache>();

  mutable std::mutex mu_;
  State state_;  // GUARDED_BY(mu_)
};

}  // namespace pharos::server::scrape
