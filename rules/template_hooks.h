// The seam between rules and the template engine: alerting rules expand
// their label and annotation values through an ExpandFunc, and rule files
// are checked through a TemplateCheckFunc. The manager's options carry both;
// rules/template provides the real ones.
//
// Prometheus prepends `{{$labels := .Labels}}{{$externalLabels :=
// .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}` to
// every text and names the template "__alert_<alertname>"; an ExpandFunc
// does the same.
//
// Thread-safety: the functions are called from group threads concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::rules {

// What a template sees: .Labels (the alert's series labels), .ExternalLabels,
// .ExternalURL, .Value, and the evaluation time for `query`.
struct TemplateData {
  tsdb::Labels labels;
  tsdb::Labels external_labels;
  std::string external_url;
  double value = 0;
  int64_t t_ms = 0;
};

// Expands `text` for the alerting rule `alert_name` (template
// "__alert_<alert_name>"). Never fails: on error it returns
// "<error expanding template: ...>" as Prometheus does.
using ExpandFunc =
    std::function<std::string(std::string_view alert_name, std::string_view text, const TemplateData&)>;

// Parses `text` for the alerting rule `alert_name` without running it. The error message is
// Go's ("template: __alert_A:1: unclosed action").
using TemplateCheckFunc = std::function<Status(std::string_view alert_name, std::string_view text)>;

// An ExpandFunc for when no template engine is wired: substitutes
// `{{ $labels.NAME }}`, `{{ $externalLabels.NAME }}` and `{{ $value }}` and
// leaves other text as written.
std::string SimpleExpand(std::string_view alert_name, std::string_view text, const TemplateData& data);

}  // namespace pharos::rules
