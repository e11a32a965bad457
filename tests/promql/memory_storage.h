// MemoryStorage: a tsdb::Queryable holding series in memory, for the engine's
// tests and the script runner.
//
// Add() appends samples in any order; each series keeps its samples sorted by
// time (a later sample at an existing timestamp replaces the earlier one).
// Select returns the matching series sorted by labels (tsdb::Labels::Compare)
// with their samples in the requested range; series without samples there
// are left out, as real storage does. LabelNames and LabelValues honour
// matchers and the querier's time range.
//
// Thread-safety: Add() must not race with queries; queries may run
// concurrently with each other.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/sample.h"
#include "tsdb/storage.h"

namespace pharos::promql {

class MemoryStorage : public tsdb::Queryable {
 public:
  void Add(const tsdb::Labels& labels, int64_t t, double v);
  void Clear() { series_.clear(); }
  size_t num_series() const { return series_.size(); }

  Result<std::unique_ptr<tsdb::Querier>> NewQuerier(int64_t mint, int64_t maxt) override;

  // Series sorted by labels; the map key order is Labels' operator<.
  using SeriesMap = std::map<tsdb::Labels, std::vector<tsdb::Sample>>;

 private:
  SeriesMap series_;
};

}  // namespace pharos::promql
