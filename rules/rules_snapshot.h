// What /api/v1/rules and /api/v1/alerts report: copies of the manager's
// groups, rules and alerts taken at one moment, and the rules endpoint's
// filters (type, rule_name[], rule_group[], file[], exclude_alerts).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tsdb/labels.h"

namespace pharos::rules {

struct AlertSnapshot {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  std::string state;  // "pending" or "firing"
  int64_t active_at_ms = 0;
  int64_t keep_firing_since_ms = 0;  // 0 unless kept firing by keep_firing_for
  double value = 0;
};

struct RuleSnapshot {
  bool alerting = false;
  std::string name;
  std::string query;
  int64_t for_ms = 0;              // alerting: `for`
  int64_t keep_firing_for_ms = 0;  // alerting: `keep_firing_for`
  tsdb::Labels labels;
  tsdb::Labels annotations;
  std::vector<AlertSnapshot> alerts;  // alerting: pending and firing alerts
  std::string state;                  // alerting: "inactive", "pending" or "firing"
  std::string health = "unknown";     // "ok", "err" or "unknown"
  std::string last_error;
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;
};

struct GroupSnapshot {
  std::string name;
  std::string file;
  std::vector<RuleSnapshot> rules;
  int64_t interval_ms = 0;
  int64_t limit = 0;
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;
};

struct RuleFilter {
  std::string type;  // "", "alert" or "record"
  std::set<std::string> rule_names;
  std::set<std::string> group_names;
  std::set<std::string> files;
  bool exclude_alerts = false;
};

// Applies `filter`. Groups left without rules are dropped when a name, group
// or file filter was given (a type filter alone keeps them, as Prometheus
// 2.42 does).
std::vector<GroupSnapshot> FilterGroups(std::vector<GroupSnapshot> groups,
                                        const RuleFilter& filter);

}  // namespace pharos::rules
