// Sample: one (timestamp, value) point, and the staleness marker.
//
// Timestamps are milliseconds since the Unix epoch, as in Prometheus.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace pharos::tsdb {

struct Sample {
  int64_t t = 0;
  double v = 0;

  friend bool operator==(const Sample& a, const Sample& b) {
    // Bitwise on the value so NaNs (and the stale marker) compare equal.
    return a.t == b.t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
};

// The NaN Prometheus writes when a series disappears from a scrape. Queries
// treat a series as ended at a stale sample.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline constexpr double kStaleNaN = std::bit_cast<double>(kStaleNaNBits);

inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

inline constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

}  // namespace pharos::tsdb
