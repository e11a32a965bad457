#include "rules/rules_snapshot.h"

namespace pharos::rules {

std::vector<GroupSnapshot> FilterGroups(std::vector<GroupSnapshot> groups,
                                        const RuleFilter& f) {
  const bool by_name = !f.rule_names.empty() || !f.group_names.empty() || !f.files.empty();
  std::vector<GroupSnapshot> out;
  for (GroupSnapshot& g : groups) {
    if (!f.group_names.empty() && !f.group_names.count(g.name)) continue;
    if (!f.files.empty() && !f.files.count(g.file)) continue;
    std::vector<RuleSnapshot> kept;
    for (RuleSnapshot& r : g.rules) {
      if (f.type == "alert" && !r.alerting) continue;
      if (f.type == "record" && r.alerting) continue;
      if (!f.rule_names.empty() && !f.rule_names.count(r.name)) continue;
      if (f.exclude_alerts) r.alerts.clear();
      kept.push_back(std::move(r));
    }
    g.rules = std::move(kept);
    if (by_name && g.rules.empty()) continue;
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace pharos::rules
