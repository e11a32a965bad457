// GroupMetrics: a rule group's counters and gauges, read by /metrics as
// pharos_rule_* (Prometheus' prometheus_rule_* with the rule_group label
// "<file>;<group>").
//
// Thread-safety: atomics; written by the group's thread, read by anyone.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace pharos::rules {

struct GroupMetrics {
  std::atomic<int64_t> iterations_total{0};             // pharos_rule_group_iterations_total
  std::atomic<int64_t> iterations_missed_total{0};      // pharos_rule_group_iterations_missed_total
  std::atomic<int64_t> evaluations_total{0};            // pharos_rule_evaluations_total
  std::atomic<int64_t> evaluation_failures_total{0};    // pharos_rule_evaluation_failures_total
  std::atomic<double> last_duration_seconds{0};         // pharos_rule_group_last_duration_seconds
  std::atomic<double> last_evaluation_timestamp_seconds{0};
  std::atomic<double> interval_seconds{0};              // pharos_rule_group_interval_seconds
  std::atomic<int64_t> rules{0};                        // pharos_rule_group_rules
  std::atomic<int64_t> last_evaluation_samples{0};      // pharos_rule_group_last_evaluation_samples
};

// A copy of one group's metrics.
struct GroupMetricsSnapshot {
  std::string rule_group;  // "<file>;<group>"
  int64_t iterations_total = 0;
  int64_t iterations_missed_total = 0;
  int64_t evaluations_total = 0;
  int64_t evaluation_failures_total = 0;
  double last_duration_seconds = 0;
  double last_evaluation_timestamp_seconds = 0;
  double interval_seconds = 0;
  int64_t rules = 0;
  int64_t last_evaluation_samples = 0;
};

}  // namespace pharos::rules
