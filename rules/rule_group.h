// RuleGroup: rules evaluated in order on one schedule, as Prometheus'
// rules.Group.
//
// Each round at time ts: every rule is evaluated in file order, its samples
// appended and committed before the next rule runs (so a later rule sees
// what an earlier one recorded), alerts handed to the notifier, and series
// a rule produced last round but not this one marked stale. Rounds run at
// EvalTimestamp-aligned times: multiples of the interval shifted by an
// offset derived from a hash of the group's file and name, so groups spread
// over their interval.
//
// On the first load after start (should_restore), alerting rules with `for`
// get their pending alerts' activeAt restored from ALERTS_FOR_STATE after
// the second round (RestoreForState), so an alert firing before a restart
// fires again with the same activeAt.
//
// Thread-safety: Start/Stop/CopyState from the manager; Eval and
// RestoreForState from the group's thread (or a test driving it); the
// snapshots from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rules/group_metrics.h"
#include "rules/group_options.h"
#include "rules/rule.h"
#include "rules/rule_file.h"

namespace pharos::rules {

class RuleGroup {
 public:
  // `interval_ms` is the group's own interval or, when 0 in the spec, the
  // global one. REQUIRES: the spec was validated (expressions parse).
  RuleGroup(std::string file, const GroupSpec& spec, int64_t interval_ms, bool should_restore,
            std::shared_ptr<const GroupOptions> options,
            std::shared_ptr<GroupMetrics> metrics = nullptr);
  ~RuleGroup();

  const std::string& name() const { return name_; }
  const std::string& file() const { return file_; }
  int64_t interval_ms() const { return interval_ms_; }
  int64_t limit() const { return limit_; }
  // "<file>;<name>", Prometheus' GroupKey.
  std::string Key() const { return file_ + ";" + name_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  const std::shared_ptr<GroupMetrics>& metrics() const { return metrics_; }

  // The latest aligned round time at or before `now_ms`.
  int64_t EvalTimestamp(int64_t now_ms) const;

  // One round at `ts_ms`.
  void Eval(int64_t ts_ms);

  // Restores `for` state from ALERTS_FOR_STATE as of `ts_ms` and marks the
  // alerting rules restored.
  void RestoreForState(int64_t ts_ms);

  // True when both have the same name, file, interval, limit and rules.
  bool Equals(const RuleGroup& other) const;

  // Takes over a stopped group's state: timing, series written last round,
  // alerts of rules with the same name and labels, pending stale markers.
  void CopyState(RuleGroup& from);

  // Starts evaluating on the group's own thread.
  void Start();
  // Stops the thread after its current round. With `mark_stale`, the
  // series the group wrote last are marked stale (the group was removed).
  void Stop(bool mark_stale);

  // The group's last round (wall clock start, ms) and its duration.
  int64_t last_evaluation_ms() const { return last_evaluation_ms_.load(); }
  double evaluation_seconds() const { return evaluation_seconds_.load(); }

 private:
  void Run();
  // Sleeps until `t_ms` (wall clock); false when stopped meanwhile.
  bool SleepUntil(int64_t t_ms);
  void Iterate(int64_t ts_ms);
  void EvalRule(size_t i, int64_t ts_ms);
  void AppendStale(const std::vector<tsdb::Labels>& series, int64_t ts_ms);
  void Warn(std::string_view msg, std::vector<std::pair<std::string, std::string>> kv) const;

  const std::string file_;
  const std::string name_;
  const int64_t interval_ms_;
  const int64_t limit_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::shared_ptr<const GroupOptions> opts_;
  std::shared_ptr<GroupMetrics> metrics_;
  bool should_restore_;

  // Owned by the group's thread (or by the caller of Eval while stopped).
  std::vector<std::unordered_map<uint64_t, tsdb::Labels>> series_in_previous_eval_;
  std::vector<tsdb::Labels> stale_series_;

  std::atomic<int64_t> last_evaluation_ms_{0};
  std::atomic<double> evaluation_seconds_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::atomic<bool> abort_{false};  // ends a round early once Stop() is called
  std::thread thread_;
};

// Milliseconds since the Unix epoch, from the system clock.
int64_t NowMs();

}  // namespace pharos::rules
