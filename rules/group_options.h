// GroupOptions: what every rule group of a manager shares — the query,
// notify and template functions, the storage seams, and the alerting
// settings. Built by RuleManager from RuleManagerOptions and the config.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/alert.h"
#include "rules/rule.h"
#include "rules/template_hooks.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::rules {

// Hands alerts of the rule with expression `expr` to the notifier.
using NotifyFunc = std::function<void(const std::string& expr, std::vector<OutgoingAlert> alerts)>;

// Logs a warning: message and logfmt key/value pairs.
using LogFunc = std::function<void(std::string_view msg,
                                   const std::vector<std::pair<std::string, std::string>>& kv)>;

struct GroupOptions {
  QueryFunc query;
  NotifyFunc notify;  // may be empty: alerts are not sent
  tsdb::Appendable* appendable = nullptr;
  tsdb::Queryable* queryable = nullptr;
  ExpandFunc expand = SimpleExpand;
  LogFunc log;  // may be empty
  tsdb::Labels external_labels;
  std::string external_url;
  int64_t resend_delay_ms = 60'000;
  int64_t outage_tolerance_ms = 3'600'000;
  int64_t for_grace_period_ms = 600'000;
};

}  // namespace pharos::rules
