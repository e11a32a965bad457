#include "server/alerting/rule_group_info.h"

namespace pharos::server {
namespace {

RuleInfo ToRuleInfo(const rules::RuleSnapshot& r) {
  RuleInfo info;
  info.alerting = r.alerting;
  info.name = r.name;
  info.query = r.query;
  info.duration_seconds = static_cast<double>(r.for_ms) / 1000.0;
  info.keep_firing_for_seconds = static_cast<double>(r.keep_firing_for_ms) / 1000.0;
  info.labels = r.labels;
  info.annotations = r.annotations;
  info.state = r.state;
  info.health = r.health;
  info.last_error = r.last_error;
  info.evaluation_seconds = r.evaluation_seconds;
  info.last_evaluation_ms = r.last_evaluation_ms;
  for (const rules::AlertSnapshot& a : r.alerts) {
    info.alerts.push_back({a.labels, a.annotations, a.state, a.active_at_ms, a.value});
  }
  return info;
}

}  // namespace

std::vector<RuleGroupInfo> ToRuleGroupInfos(const std::vector<rules::GroupSnapshot>& groups) {
  std::vector<RuleGroupInfo> out;
  out.reserve(groups.size());
  for (const rules::GroupSnapshot& g : groups) {
    RuleGroupInfo info;
    info.name = g.name;
    info.file = g.file;
    info.interval_seconds = static_cast<double>(g.interval_ms) / 1000.0;
    info.limit = g.limit;
    info.evaluation_seconds = g.evaluation_seconds;
    info.last_evaluation_ms = g.last_evaluation_ms;
    for (const rules::RuleSnapshot& r : g.rules) info.rules.push_back(ToRuleInfo(r));
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace pharos::server
