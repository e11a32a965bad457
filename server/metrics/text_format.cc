#include "server/metrics/text_format.h"

#include "promql/string_escape.h"

namespace pharos::server::metrics {
namespace {

// HELP text escapes backslash and newline only.
void AppendHelp(std::string_view help, std::string* out) {
  for (char c : help) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
}

}  // namespace

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

std::string FormatSampleValue(double v) { return promql::FormatGoFloat(v); }

void AppendQuotedLabelValue(std::string_view value, std::string* out) {
  *out += '"';
  for (char c : value) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
  *out += '"';
}

void AppendSampleLine(std::string_view name, const LabelPairs& labels, double value,
                      std::optional<int64_t> timestamp_ms, std::string* out) {
  *out += name;
  if (!labels.empty()) {
    *out += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) *out += ',';
      *out += labels[i].first;
      *out += '=';
      AppendQuotedLabelValue(labels[i].second, out);
    }
    *out += '}';
  }
  *out += ' ';
  *out += FormatSampleValue(value);
  if (timestamp_ms) {
    *out += ' ';
    *out += std::to_string(*timestamp_ms);
  }
  *out += '\n';
}

std::string FormatText(const std::vector<FamilySnapshot>& families) {
  std::string out;
  for (const FamilySnapshot& f : families) {
    if (f.samples.empty()) continue;
    out += "# HELP ";
    out += f.name;
    out += ' ';
    AppendHelp(f.help, &out);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += MetricTypeName(f.type);
    out += '\n';
    std::string name;
    for (const MetricSample& s : f.samples) {
      name = f.name;
      name += s.suffix;
      AppendSampleLine(name, s.labels, s.value, std::nullopt, &out);
    }
  }
  return out;
}

}  // namespace pharos::server::metrics
