// Float comparison and printing shared by the script and differential tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <charconv>
#include <string>

namespace pharos::promql {

// Equal within a relative tolerance of 1e-6; NaN equals NaN, infinities
// compare exactly.
inline bool ValuesEqual(double want, double got) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (want == got) return true;
  if (std::isinf(want) || std::isinf(got)) return false;
  const double diff = std::fabs(want - got);
  if (diff <= 1e-300) return true;
  return diff <= 1e-6 * std::max(std::fabs(want), std::fabs(got));
}

// Shortest text that reads back the same double; "NaN", "+Inf", "-Inf".
inline std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round trip
  return std::string(buf, res.ptr);
}

}  // namespace pharos::promql
