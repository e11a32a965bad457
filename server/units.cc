#include "server/units.h"

#include <array>
#include <limits>

namespace pharos::server {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kYear = 365 * kDay;

// In the order ParseDuration requires them.
constexpr std::array<Unit, 7> kDurationUnits = {{
    {"y", kYear},
    {"w", kWeek},
    {"d", kDay},
    {"h", kHour},
    {"m", kMinute},
    {"s", kSecond},
    {"ms", 1},
}};

// Prometheus durations are Go time.Durations: int64 nanoseconds.
constexpr int64_t kMaxDurationMs = std::numeric_limits<int64_t>::max() / 1'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status BadDuration(std::string_view text) {
  return InvalidArgumentError("not a valid duration string: \"" + std::string(text) + "\"");
}

Status BadSize(std::string_view text, std::string_view why) {
  return InvalidArgumentError("invalid byte size \"" + std::string(text) +
                              "\": " + std::string(why));
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("empty duration string");
  if (text == "0") return int64_t{0};

  int64_t total = 0;
  size_t pos = 0;
  size_t next_unit = 0;  // index into kDurationUnits: units only go down
  while (pos < text.size()) {
    if (!IsDigit(text[pos])) return BadDuration(text);
    int64_t value = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      int digit = text[pos] - '0';
      if (value > (kMaxDurationMs - digit) / 10) {
        return InvalidArgumentError("duration out of range: \"" + std::string(text) + "\"");
      }
      value = value * 10 + digit;
      ++pos;
    }
    size_t unit_end = pos;
    while (unit_end < text.size() && !IsDigit(text[unit_end])) ++unit_end;
    std::string_view unit = text.substr(pos, unit_end - pos);
    size_t u = next_unit;
    while (u < kDurationUnits.size() && kDurationUnits[u].name != unit) ++u;
    if (u == kDurationUnits.size()) return BadDuration(text);
    int64_t mult = kDurationUnits[u].ms;
    if (value > kMaxDurationMs / mult || value * mult > kMaxDurationMs - total) {
      return InvalidArgumentError("duration out of range: \"" + std::string(text) + "\"");
    }
    total += value * mult;
    next_unit = u + 1;
    pos = unit_end;
  }
  return total;
}

std::string FormatDuration(int64_t ms) {
  if (ms <= 0) return "0s";
  std::string out;
  for (const Unit& unit : kDurationUnits) {
    // Years and weeks read worse than days unless they are exact.
    bool exact_only = unit.ms == kYear || unit.ms == kWeek;
    if (exact_only && ms % unit.ms != 0) continue;
    int64_t n = ms / unit.ms;
    if (n == 0) continue;
    out += std::to_string(n);
    out += unit.name;
    ms -= n * unit.ms;
  }
  return out;
}

namespace {

struct SizeUnit {
  std::string_view name;
  std::string_view alias;
  int shift;  // bytes = value << shift
};

constexpr std::array<SizeUnit, 7> kSizeUnits = {{
    {"B", "B", 0},
    {"KB", "KiB", 10},
    {"MB", "MiB", 20},
    {"GB", "GiB", 30},
    {"TB", "TiB", 40},
    {"PB", "PiB", 50},
    {"EB", "EiB", 60},
}};

}  // namespace

Result<uint64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return BadSize(text, "empty");
  if (text == "0") return uint64_t{0};
  if (text[0] == '-') return BadSize(text, "negative");

  size_t pos = 0;
  unsigned __int128 whole = 0;
  while (pos < text.size() && IsDigit(text[pos])) {
    whole = whole * 10 + static_cast<unsigned>(text[pos] - '0');
    if (whole > std::numeric_limits<uint64_t>::max()) return BadSize(text, "too large");
    ++pos;
  }
  size_t int_digits = pos;
  // Fraction as numerator / denominator, up to 18 digits (more is noise).
  uint64_t frac_num = 0;
  uint64_t frac_den = 1;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (frac_den < 1'000'000'000'000'000'000ULL) {
        frac_num = frac_num * 10 + static_cast<uint64_t>(text[pos] - '0');
        frac_den *= 10;
      }
      ++pos;
    }
    if (pos == start) return BadSize(text, "expected digits after '.'");
  }
  if (int_digits == 0 && frac_den == 1) return BadSize(text, "expected a number");

  std::string_view unit = text.substr(pos);
  if (unit.empty()) return BadSize(text, "missing unit (B, KB, MB, GB, TB, PB, EB)");
  for (const SizeUnit& u : kSizeUnits) {
    if (unit != u.name && unit != u.alias) continue;
    unsigned __int128 bytes = whole << u.shift;
    bytes += (static_cast<unsigned __int128>(frac_num) << u.shift) / frac_den;
    if (bytes > std::numeric_limits<uint64_t>::max()) return BadSize(text, "too large");
    return static_cast<uint64_t>(bytes);
  }
  return BadSize(text, "unknown unit \"" + std::string(unit) + "\"");
}

std::string FormatByteSize(uint64_t bytes) {
  if (bytes == 0) return "0B";
  for (size_t i = kSizeUnits.size(); i-- > 0;) {
    uint64_t unit = uint64_t{1} << kSizeUnits[i].shift;
    if (bytes % unit == 0) return std::to_string(bytes / unit) + std::string(kSizeUnits[i].name);
  }
  return std::to_string(bytes) + "B";  // unreachable: B divides everything
}

}  // namespace pharos::server
