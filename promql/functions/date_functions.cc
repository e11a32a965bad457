// LookupDateKernel: calendar fields of a Unix time, computed the way Go's
// time package does (same cycles, same unsigned wrap-around), so even NaN and
// out-of-range inputs give Prometheus' answers.

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "promql/functions/instant_functions.h"

namespace pharos::promql {
namespace {

constexpr uint64_t kSecondsPerMinute = 60;
constexpr uint64_t kSecondsPerHour = 60 * kSecondsPerMinute;
constexpr uint64_t kSecondsPerDay = 24 * kSecondsPerHour;
constexpr uint64_t kSecondsPerWeek = 7 * kSecondsPerDay;
constexpr uint64_t kDaysPer400Years = 365 * 400 + 97;
constexpr uint64_t kDaysPer100Years = 365 * 100 + 24;
constexpr uint64_t kDaysPer4Years = 365 * 4 + 1;
// Go's absolute epoch: the year where its unsigned day count starts.
constexpr int64_t kAbsoluteZeroYear = -292277022399;
// Seconds from the absolute epoch to 1970-01-01: Go's
// unixToInternal + internalToAbsolute.
constexpr int64_t kUnixToAbsolute = 62135596800 + 9223371966579724800;
constexpr int32_t kDaysBefore[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

// Go's int64(v) on amd64: truncation, and the "integer indefinite" value
// -2^63 for NaN, infinities and anything out of range.
int64_t GoInt64(double v) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(v >= -kTwo63 && v < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// Seconds since Go's absolute epoch, wrapping as Go's arithmetic does.
uint64_t AbsSeconds(double unix_seconds) {
  return static_cast<uint64_t>(GoInt64(unix_seconds)) + static_cast<uint64_t>(kUnixToAbsolute);
}

bool IsLeap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

struct Date {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int yday;   // 0-based day of the year
};

// Go's absDate(abs, true).
Date AbsDate(uint64_t abs) {
  uint64_t d = abs / kSecondsPerDay;
  uint64_t n = d / kDaysPer400Years;
  uint64_t y = 400 * n;
  d -= kDaysPer400Years * n;

  n = d / kDaysPer100Years;
  n -= n >> 2;  // the last day of a 400-year cycle
  y += 100 * n;
  d -= kDaysPer100Years * n;

  n = d / kDaysPer4Years;
  y += 4 * n;
  d -= kDaysPer4Years * n;

  n = d / 365;
  n -= n >> 2;  // the last day of a leap year
  y += n;
  d -= 365 * n;

  Date out;
  out.year = static_cast<int64_t>(y) + kAbsoluteZeroYear;
  out.yday = static_cast<int>(d);
  int day = out.yday;
  if (IsLeap(out.year)) {
    if (day > 31 + 29 - 1) {
      day--;
    } else if (day == 31 + 29 - 1) {
      out.month = 2;
      out.day = 29;
      return out;
    }
  }
  int month = day / 31;  // may be one too low
  const int end = kDaysBefore[month + 1];
  int begin;
  if (day >= end) {
    month++;
    begin = end;
  } else {
    begin = kDaysBefore[month];
  }
  out.month = month + 1;
  out.day = day - begin + 1;
  return out;
}

// Go's daysSinceEpoch(year): days from the absolute epoch to Jan 1 of year.
uint64_t DaysSinceEpoch(int64_t year) {
  uint64_t y = static_cast<uint64_t>(year - kAbsoluteZeroYear);
  uint64_t n = y / 400;
  y -= 400 * n;
  uint64_t d = kDaysPer400Years * n;
  n = y / 100;
  y -= 100 * n;
  d += kDaysPer100Years * n;
  n = y / 4;
  y -= 4 * n;
  d += kDaysPer4Years * n;
  d += 365 * y;
  return d;
}

double Year(double v) { return static_cast<double>(AbsDate(AbsSeconds(v)).year); }
double Month(double v) { return AbsDate(AbsSeconds(v)).month; }
double DayOfMonth(double v) { return AbsDate(AbsSeconds(v)).day; }
double DayOfYear(double v) { return AbsDate(AbsSeconds(v)).yday + 1; }

double DayOfWeek(double v) {
  // The absolute epoch is a Monday; Go numbers Sunday 0.
  const uint64_t sec = (AbsSeconds(v) + 1 * kSecondsPerDay) % kSecondsPerWeek;
  return static_cast<double>(sec / kSecondsPerDay);
}

double Hour(double v) { return static_cast<double>(AbsSeconds(v) % kSecondsPerDay / kSecondsPerHour); }

double Minute(double v) {
  return static_cast<double>(AbsSeconds(v) % kSecondsPerHour / kSecondsPerMinute);
}

// Prometheus: 32 - time.Date(year, month, 32, 0, 0, 0, 0, UTC).Day(), i.e.
// day 32 of the month rolls over into the next one.
double DaysInMonth(double v) {
  const Date date = AbsDate(AbsSeconds(v));
  uint64_t d = DaysSinceEpoch(date.year);
  d += static_cast<uint64_t>(kDaysBefore[date.month - 1]);
  if (IsLeap(date.year) && date.month >= 3) d++;
  d += 32 - 1;
  return 32 - AbsDate(d * kSecondsPerDay).day;
}

}  // namespace

MathKernel LookupDateKernel(std::string_view name) {
  static constexpr std::pair<std::string_view, MathKernel> kKernels[] = {
      {"day_of_month", &DayOfMonth}, {"day_of_week", &DayOfWeek},
      {"day_of_year", &DayOfYear},   {"days_in_month", &DaysInMonth},
      {"hour", &Hour},               {"minute", &Minute},
      {"month", &Month},             {"year", &Year},
  };
  for (const auto& [n, k] : kKernels) {
    if (n == name) return k;
  }
  return nullptr;
}

}  // namespace pharos::promql
