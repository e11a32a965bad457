// What the HTTP API reports about scraping, rules and alerting, as abstract
// providers that those subsystems implement. The API's handlers read them;
// until a provider is set, its endpoints answer empty lists shaped as
// Prometheus shapes them.
//
//   class ScrapeTargets : public TargetsProvider { ... };
//   app.targets.Set(std::make_shared<ScrapeTargets>(...));
//
// Times are milliseconds since the Unix epoch; 0 means "never" (written as
// Go's zero time, "0001-01-01T00:00:00Z"). Durations are seconds.
//
// Thread-safety: provider methods are called from HTTP handler threads,
// concurrently; implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/labels.h"

namespace pharos::server {

// One entry of /api/v1/targets' activeTargets.
struct ActiveTarget {
  tsdb::Labels discovered_labels;
  tsdb::Labels labels;
  std::string scrape_pool;
  std::string scrape_url;
  std::string global_url;
  std::string last_error;
  int64_t last_scrape_ms = 0;
  double last_scrape_duration_seconds = 0;
  std::string health = "unknown";  // "up", "down" or "unknown"
  std::string scrape_interval;     // "15s"
  std::string scrape_timeout;      // "10s"
};

// One entry of droppedTargets.
struct DroppedTarget {
  tsdb::Labels discovered_labels;
};

// One metric's metadata as a target exposed it.
struct MetricMetadata {
  std::string metric;  // metric family name
  std::string type;    // "counter", "gauge", "histogram", "summary", "unknown", ...
  std::string help;
  std::string unit;
};

// One entry of /api/v1/targets/metadata: a target and a metric it exposes.
struct TargetMetadata {
  tsdb::Labels target;  // the target's labels (instance, job, ...)
  MetricMetadata metadata;
};

class TargetsProvider {
 public:
  virtual ~TargetsProvider() = default;
  virtual std::vector<ActiveTarget> ActiveTargets() = 0;
  virtual std::vector<DroppedTarget> DroppedTargets() = 0;
  // Metadata of every metric of every active target.
  virtual std::vector<TargetMetadata> Metadata() = 0;
};

// An alert as /api/v1/alerts and the rules endpoint list it.
struct AlertInfo {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  std::string state;  // "pending" or "firing"
  int64_t active_at_ms = 0;
  double value = 0;
};

struct RuleInfo {
  bool alerting = false;  // else a recording rule
  std::string name;       // alert name or recorded metric
  std::string query;
  double duration_seconds = 0;  // alerting: `for`
  double keep_firing_for_seconds = 0;  // alerting: `keep_firing_for`
  tsdb::Labels labels;
  tsdb::Labels annotations;  // alerting only
  std::vector<AlertInfo> alerts;
  std::string state;  // alerting: "inactive", "pending" or "firing"
  std::string health = "unknown";  // "ok", "err" or "unknown"
  std::string last_error;
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;
};

struct RuleGroupInfo {
  std::string name;
  std::string file;
  std::vector<RuleInfo> rules;
  double interval_seconds = 0;
  int64_t limit = 0;
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;
};

class RulesProvider {
 public:
  virtual ~RulesProvider() = default;
  virtual std::vector<RuleGroupInfo> RuleGroups() = 0;
};

class AlertmanagersProvider {
 public:
  virtual ~AlertmanagersProvider() = default;
  // Alertmanager API URLs: "http://127.0.0.1:9093/api/v2/alerts".
  virtual std::vector<std::string> Active() = 0;
  virtual std::vector<std::string> Dropped() = 0;
};

// The loaded configuration, for /api/v1/status/config and runtimeinfo.
class ConfigProvider {
 public:
  virtual ~ConfigProvider() = default;
  // The configuration as YAML.
  virtual std::string Yaml() = 0;
  // Whether the last (re)load succeeded, and when it last succeeded (ms).
  virtual bool LastReloadSucceeded() = 0;
  virtual int64_t LastReloadSuccessMs() = 0;
};

}  // namespace pharos::server
