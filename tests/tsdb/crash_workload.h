// The crash test's workload, shared by the writer it kills
// (crash_writer.cc) and the checker (crash_test.cc): which series there are
// and what value each holds at any timestamp, so that the checker can
// recompute every sample it finds.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <string>

#include "tsdb/labels.h"
#include "tsdb/sample.h"

namespace pharos::tsdb::crash {

inline constexpr int kSeries = 16;
inline constexpr int64_t kStart = 1'700'000'000'000;
inline constexpr const char* kMetric = "crash_test";

inline Labels SeriesLabels(int s) {
  return Labels({{"__name__", kMetric}, {"series", std::to_string(s)}});
}

// Index of a series from its labels; -1 when they are not the workload's.
inline int SeriesIndex(const Labels& labels) {
  std::string_view v = labels.Get("series");
  int s = 0;
  if (v.empty() || v.size() > 3) return -1;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    s = s * 10 + (c - '0');
  }
  return s < kSeries && labels.MetricName() == kMetric ? s : -1;
}

// The value of series `s` at `t`: counters on even series, noisy doubles on
// odd ones, and now and then a stale marker, an infinity or a NaN.
inline double Value(int s, int64_t t) {
  uint64_t h = static_cast<uint64_t>(t) * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(s);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  switch (h % 500) {
    case 0: return kStaleNaN;
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return std::bit_cast<double>(uint64_t{0x7ff8000000000001});
    default: break;
  }
  if (s % 2 == 0) return static_cast<double>((t - kStart) / 1000 * (s + 1));
  return static_cast<double>(h >> 11) / 4096.0;
}

}  // namespace pharos::tsdb::crash
