// FamilySnapshot: one metric family's values at one moment, the form in
// which the Registry and collectors hand metrics to the text exposition.
//
//   FamilySnapshot f{"pharos_tsdb_head_series", "Series in the head block.",
//                    MetricType::kGauge, {}};
//   f.samples.push_back({"", {}, 1234});
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pharos::server::metrics {

enum class MetricType { kCounter, kGauge, kHistogram, kUntyped };

// "counter", "gauge", "histogram", "untyped".
const char* MetricTypeName(MetricType type);

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct MetricSample {
  // Appended to the family name: "" for counters and gauges; "_bucket",
  // "_sum", "_count" for histograms.
  std::string suffix;
  // In exposition order: by name ("le" last for buckets).
  LabelPairs labels;
  double value = 0;
};

struct FamilySnapshot {
  std::string name;  // counters end in "_total"
  std::string help;
  MetricType type = MetricType::kUntyped;
  std::vector<MetricSample> samples;
};

}  // namespace pharos::server::metrics
