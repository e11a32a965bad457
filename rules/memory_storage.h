// MemoryStorage: an in-memory tsdb::Appendable and tsdb::Queryable, for
// `pharos test rules` and tests. Appenders buffer until Commit(); a sample
// at or before a series' last timestamp is rejected with kOutOfRange unless
// it repeats the same value at the same time (as the TSDB does).
//
// Thread-safety: all methods may be called from any thread; a Select copies
// the samples it returns.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/sample.h"
#include "tsdb/storage.h"

namespace pharos::rules {

class MemoryStorage : public tsdb::Appendable, public tsdb::Queryable {
 public:
  using SeriesMap = std::map<tsdb::Labels, std::vector<tsdb::Sample>>;

  std::unique_ptr<tsdb::Appender> NewAppender() override;
  Result<std::unique_ptr<tsdb::Querier>> NewQuerier(int64_t mint, int64_t maxt) override;

  // Adds one sample directly, in any order (test input).
  void Add(const tsdb::Labels& labels, int64_t t, double v);
  // Appends committed samples; used by the appender.
  Status AppendOne(const tsdb::Labels& labels, int64_t t, double v);

  SeriesMap Snapshot() const;

 private:
  friend class MemoryQuerier;
  mutable std::mutex mu_;
  SeriesMap series_;  // GUARDED_BY(mu_)
};

}  // namespace pharos::rules
