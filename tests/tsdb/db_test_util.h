// Helpers for tests that open a real Db in a temporary directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tsdb/db.h"

namespace pharos::tsdb::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("pharos-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Options for deterministic tests: no background thread.
inline DbOptions TestOptions(const std::string& path) {
  DbOptions o;
  o.path = path;
  o.background = false;
  return o;
}

inline std::unique_ptr<Db> MustOpen(const DbOptions& o) {
  auto db = Db::Open(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

inline Matcher M(MatchType t, const std::string& n, const std::string& v) {
  return *Matcher::Make(t, n, v);
}

// Every series matching `ms` in [mint, maxt] with all its samples.
inline std::map<std::string, std::vector<Sample>> ReadAll(Queryable& q,
                                                          const std::vector<Matcher>& ms,
                                                          int64_t mint = kMinTime,
                                                          int64_t maxt = kMaxTime) {
  std::map<std::string, std::vector<Sample>> out;
  auto querier = q.NewQuerier(mint, maxt);
  EXPECT_TRUE(querier.ok());
  if (!querier.ok()) return out;
  auto set = (*querier)->Select(SelectHints{mint, maxt}, ms);
  std::string prev;
  while (set->Next()) {
    std::string key = set->At().labels().ToString();
    EXPECT_TRUE(prev.empty() || prev < key || Compare(Labels(), set->At().labels()) != 0);
    auto it = set->At().Iterator();
    std::vector<Sample>& v = out[key];
    while (it->Next()) v.push_back(it->At());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  EXPECT_TRUE(set->status().ok()) << set->status().ToString();
  return out;
}

// One series as a Select returned it.
struct SeriesSamples {
  Labels labels;
  std::vector<Sample> samples;
};

// Every series `q` selects with `hints` and `ms`, in Select order, with the
// samples its iterator yields. The first error of the SeriesSet or of any
// SampleIterator is returned instead; unlike ReadAll, nothing is asserted,
// so tests that expect errors (corruption) or run off the main thread
// (concurrency) can use it.
inline Result<std::vector<SeriesSamples>> Collect(Querier& q, const SelectHints& hints,
                                                  const std::vector<Matcher>& ms) {
  std::vector<SeriesSamples> out;
  auto set = q.Select(hints, ms);
  while (set->Next()) {
    SeriesSamples s{set->At().labels(), {}};
    auto it = set->At().Iterator();
    while (it->Next()) s.samples.push_back(it->At());
    if (!it->status().ok()) return it->status();
    out.push_back(std::move(s));
  }
  if (!set->status().ok()) return set->status();
  return out;
}

// Same, through a fresh querier over [mint, maxt].
inline Result<std::vector<SeriesSamples>> Collect(Queryable& db, const std::vector<Matcher>& ms,
                                                  int64_t mint = kMinTime,
                                                  int64_t maxt = kMaxTime) {
  auto q = db.NewQuerier(mint, maxt);
  if (!q.ok()) return q.status();
  return Collect(**q, SelectHints{mint, maxt}, ms);
}

}  // namespace pharos::tsdb::testing
