#include "promql/ast/at_modifier.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "promql/parser.h"
#include "promql/string_escape.h"

namespace pharos::promql {
namespace {

// Milliseconds as seconds the way Prometheus prints them ("%.3f"), unless
// that text would not parse back to the same milliseconds (very large
// timestamps lose digits as doubles): then the shortest exact form.
std::string AtSeconds(int64_t ms) {
  double secs = static_cast<double>(ms) / 1000.0;
  std::string fixed = FormatGoFixed(secs, 3);
  double back = std::strtod(fixed.c_str(), nullptr) * 1000;
  if (std::fabs(back) >= 9.2e18 || std::llround(back) == ms) return fixed;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", secs);
  return buf;
}

}  // namespace

std::string TimeModifiers::String() const {
  std::string out;
  if (at_ms.has_value()) {
    out += " @ " + AtSeconds(*at_ms);
  } else if (at_start_end == AtStartEnd::kStart) {
    out += " @ start()";
  } else if (at_start_end == AtStartEnd::kEnd) {
    out += " @ end()";
  }
  if (offset_ms > 0) {
    out += " offset " + FormatDuration(offset_ms);
  } else if (offset_ms < 0) {
    out += " offset -" + FormatDuration(-offset_ms);
  }
  return out;
}

}  // namespace pharos::promql
