// Label-set helpers of the evaluator: dropping the metric name, and the
// signatures that pair series in vector matching and group them in
// aggregations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/labels.h"

namespace pharos::promql {

// `l` without __name__ (the same object's copy when it has none).
tsdb::Labels DropMetricName(const tsdb::Labels& l);

// The signature of `l` over the named labels (`on (...)`, `by (...)`); an
// absent label counts as empty. `names` need not be sorted.
uint64_t HashForLabels(const tsdb::Labels& l, const std::vector<std::string>& names);

// The signature of `l` over every label except the named ones and __name__
// (`ignoring (...)`, `without (...)`, and plain vector matching).
uint64_t HashWithoutLabels(const tsdb::Labels& l, const std::vector<std::string>& names);

// Prometheus' labels.String(): `{__name__="up", job="x"}`, the metric name
// as a plain label, as execution errors print series.
std::string LabelsString(const tsdb::Labels& l);

// `l` reduced to the named labels, as `{a="x", b="y"}` (for error messages).
tsdb::Labels MatchedLabels(const tsdb::Labels& l, bool on, const std::vector<std::string>& names);

}  // namespace pharos::promql
