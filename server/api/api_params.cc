#include "server/api/api_params.h"

#include <charconv>
#include <chrono>
#include <cmath>

#include "promql/parser.h"

namespace pharos::server {
namespace {

constexpr std::string_view kMinTimeFormatted = "-292273086-05-16T16:47:06Z";
constexpr std::string_view kMaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

// Go's strconv.ParseFloat for decimal input: optional sign, digits, '.',
// exponent, "inf", "infinity", "nan" (any case).
bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
    if (s.empty() || s[0] == '+' || s[0] == '-') return false;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Go answers ±Inf or 0 with an error; Prometheus then rejects the value.
    return false;
  }
  if (ec != std::errc()) return false;
  *out = neg ? -v : v;
  return true;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Go's time.Parse(time.RFC3339Nano, s) to ms (truncating sub-ms digits, as
// timestamp.FromTime does).
bool ParseRfc3339(std::string_view s, int64_t* out_ms) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || s[10] != 'T' || !Digits(s, 11, 2, &hour) ||
      s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' || !Digits(s, 17, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 9) nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                     86400 +
                 hour * 3600 + minute * 60 + second - offset_s;
  *out_ms = secs * 1000 + nanos / 1'000'000;
  return true;
}

// Prometheus' float-seconds conversion: whole seconds plus the fraction
// rounded to ms, normalised like time.Unix, then to ms.
int64_t FloatSecondsToMs(double t) {
  if (t >= 9.2e15) return kApiMaxTimeMs;
  if (t <= -9.2e15) return kApiMinTimeMs;
  double whole;
  double frac = std::modf(t, &whole);
  frac = std::round(frac * 1000) / 1000;
  int64_t sec = static_cast<int64_t>(whole);
  int64_t nsec = static_cast<int64_t>(frac * 1e9);
  if (nsec < 0) {
    sec -= 1;
    nsec += 1'000'000'000;
  }
  return sec * 1000 + nsec / 1'000'000;
}

}  // namespace

FormValues::FormValues(const Request& request) {
  const std::string& m = request.method;
  if (m == "POST" || m == "PUT" || m == "PATCH") {
    std::string_view ct = request.Header("Content-Type");
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
    if (EqualsIgnoreCase(ct, "application/x-www-form-urlencoded")) AddEncoded(request.body);
  }
  AddEncoded(request.raw_query);
}

void FormValues::AddEncoded(std::string_view text) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    size_t eq = pair.find('=');
    Result<std::string> key = PercentDecode(pair.substr(0, eq), true);
    Result<std::string> value =
        PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key.ok() || !value.ok()) continue;
    values_.emplace_back(std::move(*key), std::move(*value));
  }
}

std::string_view FormValues::Get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  return {};
}

std::vector<std::string> FormValues::All(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

Result<int64_t> ParseTime(std::string_view s) {
  double t;
  if (ParseGoFloat(s, &t)) {
    if (std::isnan(t)) return kApiMinTimeMs;  // Go turns NaN into the minimum int64
    return FloatSecondsToMs(t);
  }
  int64_t ms;
  if (ParseRfc3339(s, &ms)) return ms;
  if (s == kMinTimeFormatted) return kApiMinTimeMs;
  if (s == kMaxTimeFormatted) return kApiMaxTimeMs;
  return InvalidArgumentError("cannot parse \"" + std::string(s) + "\" to a valid timestamp");
}

Result<int64_t> ParseTimeParam(const FormValues& form, std::string_view name, int64_t default_ms) {
  std::string_view v = form.Get(name);
  if (v.empty()) return default_ms;
  Result<int64_t> t = ParseTime(v);
  if (!t.ok()) {
    return InvalidArgumentError("Invalid time value for '" + std::string(name) +
                                "': " + t.status().message());
  }
  return t;
}

Result<int64_t> ParseDurationNs(std::string_view s) {
  double d;
  if (ParseGoFloat(s, &d)) {
    double ns = d * 1e9;
    if (std::isnan(ns)) return int64_t{INT64_MIN};
    if (ns > 9223372036854775807.0 || ns < -9223372036854775808.0) {
      return InvalidArgumentError("cannot parse \"" + std::string(s) +
                                  "\" to a valid duration. It overflows int64");
    }
    return static_cast<int64_t>(ns);
  }
  Result<int64_t> ms = promql::ParseDuration(s);
  if (ms.ok() && *ms <= INT64_MAX / 1'000'000) return *ms * 1'000'000;
  return InvalidArgumentError("cannot parse \"" + std::string(s) + "\" to a valid duration");
}

Result<std::vector<std::vector<tsdb::Matcher>>> ParseMatchersParam(
    const std::vector<std::string>& selectors) {
  std::vector<std::vector<tsdb::Matcher>> sets;
  for (const std::string& s : selectors) {
    ASSIGN_OR_RETURN(std::vector<tsdb::Matcher> set, promql::ParseMetricSelector(s));
    sets.push_back(std::move(set));
  }
  for (const auto& set : sets) {
    bool non_empty = false;
    for (const tsdb::Matcher& m : set) non_empty = non_empty || !m.MatchesEmpty();
    if (!non_empty) {
      return InvalidArgumentError("match[] must contain at least one non-empty matcher");
    }
  }
  return sets;
}

size_t ParseLimit(const FormValues& form) {
  std::string_view v = form.Get("limit");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return 0;
  return static_cast<size_t>(n);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace pharos::server
