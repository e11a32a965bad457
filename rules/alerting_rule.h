// AlertingRule: Prometheus' rules.AlertingRule. Each evaluation turns the
// expression's result into alerts, one per output series:
//
//   new series              -> pending, active_at = now
//   pending for >= `for`    -> firing, fired_at = now
//   series gone             -> inactive (resolved_at = now); a firing alert
//                              first keeps firing for `keep_firing_for`
//   resolved > 15 minutes   -> forgotten (kept so the resolution is resent)
//
// and returns the ALERTS and ALERTS_FOR_STATE samples of every pending or
// firing alert (once the rule's state is restored, see RuleGroup). Label and
// annotation templates are expanded with $labels, $value, $externalLabels.
// More active alerts than the group's limit fail the rule and clear them.
//
// Thread-safety: Eval/SendAlerts/Restore* from the group's thread; the
// snapshots (ActiveAlerts, State) from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "rules/alert.h"
#include "rules/rule.h"

namespace pharos::rules {

// How long a resolved alert is kept for resending (Prometheus'
// resolvedRetention).
inline constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

inline constexpr std::string_view kAlertMetricName = "ALERTS";
inline constexpr std::string_view kAlertForStateMetricName = "ALERTS_FOR_STATE";

class AlertingRule : public Rule {
 public:
  // `restored` false makes the rule write no series until Restored(true):
  // the first load after start waits for RestoreForState.
  AlertingRule(RuleSpec spec, bool restored);

  Result<promql::Vector> Eval(const EvalContext& ctx) override;

  int64_t hold_ms() const { return spec().for_ms; }
  int64_t keep_firing_for_ms() const { return spec().keep_firing_for_ms; }

  // The alerts to send now, marking them sent (Prometheus' sendAlerts).
  // Firing alerts end at now + 4 * max(resend delay, interval); resolved
  // ones at their resolution.
  std::vector<OutgoingAlert> AlertsToSend(int64_t ts_ms, int64_t resend_delay_ms,
                                          int64_t interval_ms, const std::string& external_url);

  // Labels of the ALERTS_FOR_STATE series of `a`.
  tsdb::Labels ForStateLabels(const Alert& a) const;

  // Calls fn on every active alert (pending, firing, or resolved but
  // retained), allowing changes.
  void ForEachActiveAlert(const std::function<void(Alert&)>& fn);

  // Pending and firing alerts, sorted by labels.
  std::vector<Alert> ActiveAlerts() const;
  // The highest state of any alert.
  AlertState State() const;

  bool restored() const { return restored_.load(); }
  void SetRestored(bool r) { restored_.store(r); }

  // Takes over `from`'s alerts (reload of an unchanged rule).
  void CopyAlertsFrom(AlertingRule& from);

 private:
  tsdb::Labels SeriesLabels(const Alert& a, std::string_view metric) const;

  std::atomic<bool> restored_;
  mutable std::mutex active_mu_;
  std::unordered_map<uint64_t, Alert> active_;  // GUARDED_BY(active_mu_), by labels hash
};

// Prometheus' TableLinkForExpression: "/graph?g0.expr=<escaped>&g0.tab=1".
std::string TableLinkForExpression(std::string_view expr);

}  // namespace pharos::rules
