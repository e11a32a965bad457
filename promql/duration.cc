// Prometheus' duration syntax (common/model.ParseDuration and
// Duration.String), in milliseconds.
#include <cstdint>
#include <limits>
#include <string>

#include "promql/parser.h"
#include "promql/string_escape.h"

namespace pharos::promql {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

// In the order they must appear.
constexpr Unit kUnits[] = {
    {"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000}, {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},            {"m", 60LL * 1000},            {"s", 1000},
    {"ms", 1},
};
constexpr int kNumUnits = sizeof(kUnits) / sizeof(kUnits[0]);

}  // namespace

Result<int64_t> ParseDuration(std::string_view s) {
  if (s == "0") return int64_t{0};
  if (s.empty()) return InvalidArgumentError("empty duration string");
  auto invalid = [&] { return InvalidArgumentError("not a valid duration string: " + GoQuote(s)); };
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // Go keeps the total in nanoseconds: anything beyond ~292 years is out of
  // range.
  int64_t total_ns = 0;
  bool overflow = false;
  int next_unit = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t d = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d || i == s.size()) return invalid();
    int u = -1;
    if (s.compare(i, 2, "ms") == 0) {
      u = kNumUnits - 1;
    } else {
      for (int k = 0; k < kNumUnits - 1; ++k) {
        if (s[i] == kUnits[k].name[0]) u = k;
      }
    }
    if (u < next_unit) return invalid();
    next_unit = u + 1;
    std::string_view digits = s.substr(d, i - d);
    i += kUnits[u].name.size();
    if (overflow) continue;
    // strconv.Atoi saturates at MaxInt64 on overflow.
    int64_t n = 0;
    for (char c : digits) {
      if (n > (kMax - (c - '0')) / 10) {
        n = kMax;
        break;
      }
      n = n * 10 + (c - '0');
    }
    int64_t mult_ns = kUnits[u].ms * 1000000;
    if (n > kMax / kUnits[u].ms / 1000000) {
      overflow = true;
      continue;
    }
    int64_t add = n * mult_ns;
    if (total_ns > kMax - add) overflow = true;
    total_ns += overflow ? 0 : add;
  }
  if (overflow) return InvalidArgumentError("duration out of range");
  return total_ns / 1000000;
}

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  if (ms < 0) {
    // Prometheus prints nothing for negative durations; callers print the
    // sign themselves. Keep it readable anyway.
    uint64_t abs = -static_cast<uint64_t>(ms);
    if (abs > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return "-292y";
    return "-" + FormatDuration(static_cast<int64_t>(abs));
  }
  std::string out;
  for (int k = 0; k < kNumUnits; ++k) {
    int64_t mult = kUnits[k].ms;
    // Years and weeks only when they divide exactly: 90d reads better than
    // 12w6d.
    if (k < 2 && ms % mult != 0) continue;
    int64_t v = ms / mult;
    if (v > 0) {
      out += std::to_string(v);
      out += kUnits[k].name;
      ms -= v * mult;
    }
  }
  return out;
}

}  // namespace pharos::promql
