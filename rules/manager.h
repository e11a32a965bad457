// RuleManager: loads rule files into groups, runs them, reloads them, and
// reports them — Prometheus' rules.Manager.
//
//   RuleManagerOptions opts{query_fn, notify_fn, db, db};
//   RuleManager m(std::move(opts));
//   RETURN_IF_ERROR(m.Update(60'000, {"rules/a.yml"}, external_labels));
//   m.Run();        // groups start evaluating (storage is ready)
//   ...
//   m.Update(...);  // on reload: unchanged groups keep running, changed
//                   // ones take over the alerts of same-named rules
//   m.Stop();
//
// Dependencies come in through the options: how to query (QueryFunc, see
// EngineQueryFunc), where to send alerts (NotifyFunc), where recorded
// samples and ALERTS series go (Appendable) and where ALERTS_FOR_STATE is
// read back from at start (Queryable).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rules/group_metrics.h"
#include "rules/group_options.h"
#include "rules/rules_snapshot.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace pharos::rules {

class RuleGroup;

struct RuleManagerOptions {
  RuleManagerOptions(QueryFunc query_fn, NotifyFunc notify_fn, tsdb::Appendable& append_to,
                     tsdb::Queryable& query_from)
      : query(std::move(query_fn)),
        notify(std::move(notify_fn)),
        appendable(append_to),
        queryable(query_from) {}

  QueryFunc query;
  NotifyFunc notify;  // may be empty
  tsdb::Appendable& appendable;
  tsdb::Queryable& queryable;
  // The server's external URL, for generatorURL ("http://host:9090").
  std::string external_url;
  // Label and annotation templates. Default: TemplateExpandFunc(query).
  ExpandFunc expand;
  // Checks templates when rule files load. Default: TemplateParseCheck().
  TemplateCheckFunc check_template;
  LogFunc log;  // may be empty
  // --rules.alert.resend-delay. Default: 1m.
  int64_t resend_delay_ms = 60'000;
  // --rules.alert.for-outage-tolerance. Default: 1h.
  int64_t outage_tolerance_ms = 3'600'000;
  // --rules.alert.for-grace-period. Default: 10m.
  int64_t for_grace_period_ms = 600'000;
};

class RuleManager {
 public:
  explicit RuleManager(RuleManagerOptions options);
  ~RuleManager();

  // Loads `files` (paths, globs already expanded) with the global
  // `interval_ms` as default group interval. When any file fails, returns
  // kInvalidArgument listing every error (one per line) and keeps the
  // current groups.
  Status Update(int64_t interval_ms, const std::vector<std::string>& files,
                const tsdb::Labels& external_labels);

  // Lets groups evaluate; groups loaded before wait for it.
  void Run();
  // Stops every group after its current round.
  void Stop();

  // Groups sorted by file then name, with their rules and alerts.
  std::vector<GroupSnapshot> RuleGroups() const;
  std::vector<GroupMetricsSnapshot> Metrics() const;

 private:
  RuleManagerOptions opts_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<RuleGroup>> groups_;  // GUARDED_BY(mu_), by Key()
  std::map<std::string, std::shared_ptr<GroupMetrics>> metrics_;  // GUARDED_BY(mu_)
  bool running_ = false;   // GUARDED_BY(mu_)
  bool restored_ = false;  // GUARDED_BY(mu_): true after the first Update
};

// Expands rule_files patterns (filepath.Glob): sorted matches of each
// pattern, in pattern order. A malformed pattern is an error.
Result<std::vector<std::string>> ExpandRuleFiles(const std::vector<std::string>& patterns);

}  // namespace pharos::rules
