// Alert: what the notifier sends to Alertmanager, as Prometheus'
// notifier.Alert, and its JSON form in Alertmanager's v2 API.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/labels.h"

namespace pharos::rules::notifier {

struct Alert {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  // Milliseconds since the epoch; 0 means unset (the field is left out).
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;
  // Link back to the rule's expression in the Prometheus UI.
  std::string generator_url;

  friend bool operator==(const Alert&, const Alert&) = default;
};

// `[{"labels":{...},"annotations":{...},"startsAt":"...","endsAt":"...",
// "generatorURL":"..."}]`, the body of POST /api/v2/alerts. Times are
// RFC 3339 in UTC with milliseconds ("2023-01-02T03:04:05.678Z"), as
// go-openapi's strfmt.DateTime prints them; strings are escaped as Go's
// encoding/json does (<, >, & as \u003c, \u003e, \u0026).
std::string AlertsToJson(const std::vector<Alert>& alerts);

// RFC 3339 with milliseconds in UTC for a millisecond timestamp.
std::string FormatRfc3339Millis(int64_t ms);

}  // namespace pharos::rules::notifier
