// RuleGroup::RestoreForState: Prometheus' Group.RestoreForState.
#include <optional>
#include <vector>

#include "rules/alerting_rule.h"
#include "rules/rule_group.h"
#include "tsdb/matcher.h"
#include "tsdb/sample.h"

namespace pharos::rules {
namespace {

// The last sample of the ALERTS_FOR_STATE series with exactly `labels`.
std::optional<tsdb::Sample> LastForStateSample(tsdb::Querier& q, const tsdb::Labels& labels,
                                               int64_t mint, int64_t maxt) {
  std::vector<tsdb::Matcher> matchers;
  for (const tsdb::Label& l : labels) {
    Result<tsdb::Matcher> m = tsdb::Matcher::Make(tsdb::MatchType::kEqual, l.name, l.value);
    if (!m.ok()) return std::nullopt;
    matchers.push_back(std::move(*m));
  }
  tsdb::SelectHints hints;
  hints.start = mint;
  hints.end = maxt;
  std::unique_ptr<tsdb::SeriesSet> set = q.Select(hints, matchers);
  while (set->Next()) {
    // The matchers guarantee the labels are included; equal size means equal.
    if (set->At().labels().size() != labels.size()) continue;
    std::unique_ptr<tsdb::SampleIterator> it = set->At().Iterator();
    std::optional<tsdb::Sample> last;
    while (it->Next()) last = it->At();
    if (!it->status().ok()) return std::nullopt;
    return last;
  }
  return std::nullopt;
}

}  // namespace

void RuleGroup::RestoreForState(int64_t ts_ms) {
  const int64_t mint = ts_ms - opts_->outage_tolerance_ms;
  Result<std::unique_ptr<tsdb::Querier>> q = opts_->queryable->NewQuerier(mint, ts_ms);
  if (!q.ok()) {
    Warn("Failed to get Querier", {{"err", q.status().message()}});
    return;
  }
  for (const std::unique_ptr<Rule>& rule : rules_) {
    if (!rule->alerting()) continue;
    auto& ar = static_cast<AlertingRule&>(*rule);
    const int64_t hold = ar.hold_ms();
    if (hold < opts_->for_grace_period_ms) {
      // Restoring would make it wait the grace period, longer than `for`.
      ar.SetRestored(true);
      continue;
    }
    ar.ForEachActiveAlert([&](Alert& a) {
      std::optional<tsdb::Sample> s =
          LastForStateSample(**q, ar.ForStateLabels(a), mint, ts_ms);
      if (!s || tsdb::IsStaleNaN(s->v)) return;  // not active before
      // Whole seconds, as Prometheus stores and reads them.
      const int64_t down_at = s->t / 1000 * 1000;
      int64_t restored_active_at = static_cast<int64_t>(s->v) * 1000;
      const int64_t remaining = hold - (down_at - restored_active_at);
      if (remaining <= 0) {
        // It was firing; the next round fires it again.
      } else if (remaining < opts_->for_grace_period_ms) {
        // Fire no sooner than the grace period from now.
        restored_active_at = ts_ms + opts_->for_grace_period_ms - hold;
      } else {
        // Pending time spent while down does not count.
        restored_active_at += ts_ms - down_at;
      }
      a.active_at_ms = restored_active_at;
    });
    ar.SetRestored(true);
  }
}

}  // namespace pharos::rules
