// Rule files: Prometheus' rule file format, parsed strictly and validated as
// promtool does (model/rulefmt in Prometheus).
//
//   groups:
//   - name: example            # unique within the file
//     interval: 30s            # default: the global evaluation_interval
//     limit: 0                 # max series/alerts per rule; 0 = no limit
//     rules:
//     - record: job:up:sum     # a recording rule ...
//       expr: sum by (job) (up)
//       labels: {team: a}
//     - alert: TargetDown      # ... or an alerting rule
//       expr: up == 0
//       for: 5m
//       keep_firing_for: 10m
//       labels: {severity: page}
//       annotations: {summary: "{{ $labels.instance }} is down"}
//
// Unknown keys are errors. Errors are worded like Prometheus' and carry the
// file name and, where known, line:column:
//   rules.yml: 6:11: group "g", rule 1, "A": could not parse expression: ...
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/template_hooks.h"

namespace pharos::rules {

// Name/value pairs sorted by name, as written under labels/annotations.
using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct RuleSpec {
  std::string record;  // exactly one of record and alert is set
  std::string alert;
  std::string expr;
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  StringPairs labels;
  StringPairs annotations;
};

struct GroupSpec {
  std::string name;
  int64_t interval_ms = 0;  // 0: the global evaluation interval
  int64_t limit = 0;
  std::vector<RuleSpec> rules;
};

struct RuleFile {
  std::string path;
  std::vector<GroupSpec> groups;

  size_t NumRules() const;
};

struct RuleFileParse {
  RuleFile file;
  // Each "FILE: message"; empty when the file is valid.
  std::vector<std::string> errors;
};

// Parses and validates `content` read from `path`. `check_template` checks
// alerting rules' label and annotation templates; when empty they are not
// checked.
RuleFileParse ParseRuleFileContent(std::string_view path, std::string_view content,
                                   const TemplateCheckFunc& check_template);

// Reads `path` and parses it. A read failure is one error:
// "FILE: open FILE: no such file or directory".
RuleFileParse ParseRuleFile(const std::string& path, const TemplateCheckFunc& check_template);

// The YAML a rule serialises to (used to tell unchanged rules on reload).
std::string RuleSpecString(const RuleSpec& rule);

}  // namespace pharos::rules
