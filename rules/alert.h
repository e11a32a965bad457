// Alert: one active alert of an alerting rule, as Prometheus' rules.Alert.
//
// Times are milliseconds since the Unix epoch; 0 means "not set" (Go's zero
// time). An alert goes pending when its rule's expression first returns its
// series, firing once it has been active for the rule's `for`, and inactive
// (resolved) when the series is gone (after `keep_firing_for`, when set).
#pragma once

#include <cstdint>
#include <string_view>

#include "tsdb/labels.h"

namespace pharos::rules {

enum class AlertState { kInactive, kPending, kFiring };

// "inactive", "pending", "firing".
std::string_view AlertStateName(AlertState s);

struct Alert {
  AlertState state = AlertState::kInactive;
  tsdb::Labels labels;       // expanded rule labels over the series' labels
  tsdb::Labels annotations;  // expanded annotations
  double value = 0;          // the expression's value at the last evaluation
  int64_t active_at_ms = 0;
  int64_t fired_at_ms = 0;
  int64_t resolved_at_ms = 0;
  int64_t last_sent_at_ms = 0;
  int64_t valid_until_ms = 0;
  int64_t keep_firing_since_ms = 0;

  // Prometheus' needsSending: firing or newly resolved alerts, again every
  // `resend_delay_ms`.
  bool NeedsSending(int64_t ts_ms, int64_t resend_delay_ms) const;
};

// What the notifier sends to Alertmanager for one alert.
struct OutgoingAlert {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;
  std::string generator_url;
};

}  // namespace pharos::rules
