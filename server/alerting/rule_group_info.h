// The rule manager's snapshots in the shape the HTTP API's RulesProvider
// reports them (server/api/providers.h).
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "rules/rules_snapshot.h"
#include "server/api/providers.h"

namespace pharos::server {

// Every group, rule and alert of `groups`, in order; durations become
// seconds.
std::vector<RuleGroupInfo> ToRuleGroupInfos(const std::vector<rules::GroupSnapshot>& groups);

}  // namespace pharos::server
