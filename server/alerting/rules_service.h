// RulesService: the rule manager and the Alertmanager notifier as they run
// inside the server, configured by prometheus.yml and the --rules.* and
// --alertmanager.* flags — what Prometheus' main wires up around
// rules.Manager and notifier.Manager.
//
//   RulesService rules({.engine = &app.engine, .storage = db, .log = &log,
//                       .external_url = "http://host:9090", ...});
//   reloader.Register("rules", [&](const Config& c) { return rules.ApplyConfig(c); });
//   app.rules.Set(...);  app.alertmanagers.Set(...);    // this is both providers
//   reloader.Reload();   // loads rule files and Alertmanagers
//   rules.Run();         // groups start evaluating
//   ...
//   rules.Stop();        // before storage closes
//
// ApplyConfig(config), at start and on every reload:
//   - rule_files (globs, already joined with the config's directory) are
//     expanded and loaded with global.evaluation_interval as the default
//     group interval and global.external_labels for templates; a file that
//     fails to load rejects the whole config and keeps the running groups;
//   - alerting.alertmanagers are resolved (see AlertmanagerDiscovery) and
//     handed to the notifier, with global.external_labels and
//     alerting.alert_relabel_configs.
// Unchanged groups keep running; changed ones take over their alerts.
//
// Alerts that rules send become notifier alerts with generatorURL
// `<external_url>/graph?g0.expr=...&g0.tab=1`.
//
// A background thread re-reads the Alertmanagers' file_sd files every
// second (changed files) and in full every refresh_interval.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "promql/engine.h"
#include "rules/group_metrics.h"
#include "rules/manager.h"
#include "rules/notifier/notifier.h"
#include "server/alerting/alertmanager_discovery.h"
#include "server/api/providers.h"
#include "server/config/config.h"
#include "server/logger.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace pharos::server {

struct RulesServiceOptions {
  // Evaluates rule expressions. Must outlive the service.
  const promql::Engine* engine = nullptr;
  // Recorded samples and ALERTS go here; ALERTS_FOR_STATE is read back
  // from here at start. Must stay open until Stop().
  tsdb::Appendable* appendable = nullptr;
  tsdb::Queryable* queryable = nullptr;
  // May be null (no logging). Must outlive the service.
  const Logger* log = nullptr;
  // --web.external-url without a trailing slash ("http://host:9090").
  std::string external_url;
  // --rules.alert.resend-delay. Default: 1m.
  int64_t resend_delay_ms = 60'000;
  // --rules.alert.for-outage-tolerance. Default: 1h.
  int64_t outage_tolerance_ms = 3'600'000;
  // --rules.alert.for-grace-period. Default: 10m.
  int64_t for_grace_period_ms = 600'000;
  // --alertmanager.notification-queue-capacity. Default: 10000.
  size_t notification_queue_capacity = 10000;
  // Sent to Alertmanager as User-Agent. Default: "Pharos".
  std::string user_agent = "Pharos";
  // How often Alertmanager file_sd files are checked. Default: 1s.
  int64_t file_sd_poll_ms = 1000;
};

class RulesService : public RulesProvider, public AlertmanagersProvider {
 public:
  // REQUIRES: engine, appendable and queryable set.
  explicit RulesService(RulesServiceOptions options);
  // Stop()s.
  ~RulesService() override;
  RulesService(const RulesService&) = delete;
  RulesService& operator=(const RulesService&) = delete;

  // See the file comment. Errors (kInvalidArgument): a malformed rule_files
  // pattern, or every rule file error, one per line.
  Status ApplyConfig(const Config& config);

  // Lets the rule groups evaluate (storage is open and the config applied).
  void Run();

  // Stops the groups after their current round, then the notifier (queued
  // alerts are not sent) and the file_sd thread. Idempotent.
  void Stop();

  // RulesProvider: every group, rule and active alert.
  std::vector<RuleGroupInfo> RuleGroups() override;
  // AlertmanagersProvider: ".../api/v2/alerts" URLs.
  std::vector<std::string> Active() override;
  std::vector<std::string> Dropped() override;

  // Active() for const callers.
  std::vector<std::string> ActiveUrls() const;

  // For /metrics.
  std::vector<rules::GroupMetricsSnapshot> RuleMetrics() const;
  rules::notifier::NotifierStats NotifierStats() const;

 private:
  void Notify(const std::string& expr, std::vector<rules::OutgoingAlert> alerts);
  // Resolves the Alertmanagers and hands them to the notifier.
  // REQUIRES: mu_ held.
  void PublishAlertmanagers();
  void FileSdLoop();

  const RulesServiceOptions opts_;
  rules::notifier::Notifier notifier_;
  rules::RuleManager manager_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  AlertmanagerDiscovery discovery_;         // GUARDED_BY(mu_)
  std::vector<std::string> active_urls_;    // GUARDED_BY(mu_)
  std::vector<std::string> dropped_urls_;   // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  bool stopped_ = false;                    // GUARDED_BY(mu_)
  std::thread file_sd_thread_;
};

}  // namespace pharos::server
