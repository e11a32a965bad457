// Rule unit tests in promtool's format (`promtool test rules`), run by
// `pharos test rules FILE...`:
//
//   rule_files: [rules.yml]          # relative to the test file
//   evaluation_interval: 1m
//   group_eval_order: [g1, g2]       # optional
//   tests:
//   - interval: 1m
//     external_labels: {region: eu}
//     input_series:
//     - series: 'up{job="api"}'
//       values: '1 1 0x10'           # series notation, one value per interval
//     alert_rule_test:
//     - eval_time: 5m
//       alertname: TargetDown
//       exp_alerts:                  # the firing alerts, all of them
//       - exp_labels: {job: api}
//         exp_annotations: {summary: "api is down"}
//     promql_expr_test:
//     - expr: sum(up)
//       eval_time: 2m
//       exp_samples:
//       - labels: '{}'
//         value: 2
//
// Each test loads its series into in-memory storage, evaluates every group
// at 0, evaluation_interval, ... up to the last eval_time on a simulated
// clock, and compares. Output and exit codes are promtool's:
// "Unit Testing:  FILE\n  SUCCESS\n" on stdout, "  FAILED:\n..." on stderr.
#pragma once

#include <string>
#include <vector>

namespace pharos::rules {

// Runs the test files; returns the exit code (0 all passed, 1 otherwise).
int RunRuleUnitTests(const std::vector<std::string>& files);

// `pharos check rules FILE...`, as `promtool check rules`: exit code 0 when
// every file is valid, 1 otherwise.
int CheckRuleFiles(const std::vector<std::string>& files);

}  // namespace pharos::rules
