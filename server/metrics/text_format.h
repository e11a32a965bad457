// The Prometheus text exposition format 0.0.4, as client_golang writes it:
//
//   # HELP pharos_http_requests_total Counter of HTTP requests.
//   # TYPE pharos_http_requests_total counter
//   pharos_http_requests_total{code="200",handler="/metrics"} 3
//
// Used by /metrics (families) and /federate (untyped samples with
// timestamps).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/metrics/family_snapshot.h"

namespace pharos::server::metrics {

// The Content-Type of the format.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Every family with HELP and TYPE lines. Families without samples are
// skipped (client_golang does the same).
std::string FormatText(const std::vector<FamilySnapshot>& families);

// A sample value as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it,
// with "+Inf", "-Inf" and "NaN".
std::string FormatSampleValue(double v);

// Appends one sample line: name{labels} value[ timestamp]\n.
void AppendSampleLine(std::string_view name, const LabelPairs& labels, double value,
                      std::optional<int64_t> timestamp_ms, std::string* out);

// Appends `"value"` with \, " and newline escaped.
void AppendQuotedLabelValue(std::string_view value, std::string* out);

}  // namespace pharos::server::metrics
