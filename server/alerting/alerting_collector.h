// The rule manager's and the notifier's metrics on /metrics, named as
// Prometheus 2.42 names them with the pharos_ prefix:
//
//   pharos_rule_group_last_duration_seconds{rule_group="<file>;<group>"}
//   pharos_rule_group_last_evaluation_timestamp_seconds{rule_group}
//   pharos_rule_group_interval_seconds{rule_group}
//   pharos_rule_group_iterations_total{rule_group}
//   pharos_rule_group_iterations_missed_total{rule_group}
//   pharos_rule_group_rules{rule_group}
//   pharos_rule_group_last_evaluation_samples{rule_group}
//   pharos_rule_evaluations_total{rule_group}
//   pharos_rule_evaluation_failures_total{rule_group}
//   pharos_notifications_sent_total{alertmanager="<url>"}
//   pharos_notifications_errors_total{alertmanager}
//   pharos_notifications_dropped_total
//   pharos_notifications_queue_length
//   pharos_notifications_queue_capacity
//   pharos_notifications_alertmanagers_discovered
//
// Thread-safety: the collector reads the service's thread-safe getters.
#pragma once

#include <vector>

#include "server/alerting/rules_service.h"
#include "server/metrics/family_snapshot.h"

namespace pharos::server {

// Appends the families above, computed from `service` now.
void CollectAlertingMetrics(const RulesService& service,
                            std::vector<metrics::FamilySnapshot>* out);

}  // namespace pharos::server
