#include "rules/template/prometheus_functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "promql/functions/label_functions.h"
#include "promql/parser.h"
#include "promql/string_escape.h"
#include "rules/template/go_format.h"

namespace pharos::rules::tmpl {
namespace {

using P = ParamType;

std::string G4(double v) { return GoFormatFloat(v, 'g', 4); }

// strconv.ParseFloat's acceptance, near enough: no surrounding spaces.
Result<double> ParseGoFloat(const std::string& s) {
  auto invalid = [&] {
    return InvalidArgumentError("strconv.ParseFloat: parsing " + promql::GoQuote(s) + ": invalid syntax");
  };
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])) || s.find('(') != std::string::npos) {
    return invalid();
  }
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0') return invalid();
  if (errno == ERANGE && std::isinf(v)) {
    return InvalidArgumentError("strconv.ParseFloat: parsing " + promql::GoQuote(s) + ": value out of range");
  }
  return v;
}

// Prometheus' convertToFloat.
Result<double> ToFloat(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kFloat: return v.float_value();
    case ValueKind::kInt: return static_cast<double>(v.int_value());
    case ValueKind::kString: return ParseGoFloat(v.string_value());
    default: return InvalidArgumentError("can't convert " + v.TypeName() + " to float");
  }
}

Status NilDeref() {
  return InternalError("runtime error: invalid memory address or nil pointer dereference");
}

std::string RegexpQuote(const std::string& s) {
  if (s.find('`') == std::string::npos) {
    bool plain = true;
    for (unsigned char c : s) plain = plain && (c >= 0x20 || c == '\t') && c != 0x7f;
    if (plain) return "`" + s + "`";
  }
  return promql::GoQuote(s);
}

// Go's regexp/syntax wording of RE2's error codes.
std::string GoRegexpError(const re2::RE2& re) {
  std::string what;
  switch (re.error_code()) {
    case re2::RE2::ErrorBadEscape: what = "invalid escape sequence"; break;
    case re2::RE2::ErrorBadCharClass: what = "invalid character class"; break;
    case re2::RE2::ErrorBadCharRange: what = "invalid character class range"; break;
    case re2::RE2::ErrorMissingBracket: what = "missing closing ]"; break;
    case re2::RE2::ErrorMissingParen: what = "missing closing )"; break;
    case re2::RE2::ErrorUnexpectedParen: what = "unexpected )"; break;
    case re2::RE2::ErrorTrailingBackslash: what = "trailing backslash at end of expression"; break;
    case re2::RE2::ErrorRepeatArgument: what = "missing argument to repetition operator"; break;
    case re2::RE2::ErrorRepeatSize: what = "invalid repeat count"; break;
    case re2::RE2::ErrorRepeatOp: what = "invalid nested repetition operator"; break;
    case re2::RE2::ErrorBadPerlOp: what = "invalid or unsupported Perl syntax"; break;
    case re2::RE2::ErrorBadUTF8: what = "invalid UTF-8"; break;
    case re2::RE2::ErrorBadNamedCapture: what = "invalid named capture"; break;
    case re2::RE2::ErrorPatternTooLarge: what = "expression too large"; break;
    default: what = re.error(); break;
  }
  return "error parsing regexp: " + what + ": `" + re.error_arg() + "`";
}

Result<std::unique_ptr<re2::RE2>> Compile(const std::string& pattern) {
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, opts);
  if (!re->ok()) return InvalidArgumentError(GoRegexpError(*re));
  return re;
}

// Go's Regexp.ReplaceAllString: $-expansion, empty matches right after a
// match skipped.
std::string ReplaceAll(const re2::RE2& re, std::string_view src, std::string_view repl) {
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(ngroups);
  std::vector<std::string> names(ngroups);
  for (const auto& [idx, name] : re.CapturingGroupNames()) names[idx] = name;
  std::string out;
  size_t last_end = 0;
  size_t search = 0;
  while (search <= src.size()) {
    if (!re.Match(src, search, src.size(), re2::RE2::UNANCHORED, m.data(), ngroups)) break;
    const size_t a0 = m[0].data() - src.data();
    const size_t a1 = a0 + m[0].size();
    out.append(src.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      std::vector<std::optional<std::string_view>> groups(ngroups);
      for (int i = 0; i < ngroups; ++i) {
        if (m[i].data() != nullptr) groups[i] = std::string_view(m[i].data(), m[i].size());
      }
      out += promql::ExpandTemplate(repl, groups, names);
    }
    last_end = a1;
    int width = 0;
    if (search < src.size()) promql::DecodeRune(src, search, &width);
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  out.append(src.substr(std::min(last_end, src.size())));
  return out;
}

// Case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic;
// other runes are kept.
int UpperRune(int r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  if ((r >= 0xE0 && r <= 0xFE && r != 0xF7)) return r - 0x20;
  if (r == 0xFF) return 0x178;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17F) {
    const bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 0) ? r - 1 : r;
    return (r % 2 == 1) ? r - 1 : r;
  }
  if ((r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2)) return r - 0x20;
  if (r >= 0x430 && r <= 0x44F) return r - 0x20;
  if (r >= 0x450 && r <= 0x45F) return r - 0x50;
  return r;
}

int LowerRune(int r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if ((r >= 0xC0 && r <= 0xDE && r != 0xD7)) return r + 0x20;
  if (r == 0x178) return 0xFF;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17F) {
    const bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 1) ? r + 1 : r;
    return (r % 2 == 0) ? r + 1 : r;
  }
  if ((r >= 0x391 && r <= 0x3A9 && r != 0x3A2)) return r + 0x20;
  if (r >= 0x410 && r <= 0x42F) return r + 0x20;
  if (r >= 0x400 && r <= 0x40F) return r + 0x50;
  return r;
}

// strings.Title: the first rune of each word to upper case. Word
// separators: ASCII other than letters, digits and '_', and Unicode spaces.
bool IsSeparator(int r) {
  if (r < 0x80) {
    return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
  }
  return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 ||
         r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

std::string Title(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  int prev = ' ';
  for (size_t i = 0; i < s.size();) {
    int w = 1;
    const int r = promql::DecodeRune(s, i, &w);
    if (r == promql::kRuneError && w == 1) {
      out += s[i];
    } else {
      promql::AppendRune(out, IsSeparator(prev) ? UpperRune(r) : r);
    }
    prev = r;
    i += w;
  }
  return out;
}

std::string MapRunes(std::string_view s, int (*f)(int)) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    int w = 1;
    const int r = promql::DecodeRune(s, i, &w);
    if (r == promql::kRuneError && w == 1) {
      out += s[i];  // invalid bytes stay as they are
    } else {
      promql::AppendRune(out, f(r));
    }
    i += w;
  }
  return out;
}

// net.SplitHostPort's host, or the input when it is not host:port.
std::string StripPort(const std::string& hp) {
  if (!hp.empty() && hp[0] == '[') {
    const size_t close = hp.find(']');
    if (close == std::string::npos || close + 1 >= hp.size() || hp[close + 1] != ':') return hp;
    if (hp.find_first_of("[]", close + 1) != std::string::npos) return hp;
    return hp.substr(1, close - 1);
  }
  const size_t colon = hp.rfind(':');
  if (colon == std::string::npos) return hp;
  if (hp.find(':') != colon) return hp;  // too many colons
  if (hp.find_first_of("[]") != std::string::npos) return hp;
  return hp.substr(0, colon);
}

std::string UrlPath(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const size_t slash = url.find('/', start);
  if (slash == std::string::npos) return "";
  const size_t end = url.find_first_of("?#", slash);
  return url.substr(slash, end == std::string::npos ? std::string::npos : end - slash);
}

Value ToQueryResult(std::vector<QuerySample> samples) {
  ValueList list;
  list.reserve(samples.size());
  for (auto& s : samples) {
    TemplateSample t;
    for (const auto& l : s.labels) t.labels.emplace(l.name, l.value);
    t.value = s.value;
    list.push_back(Value::Sample(std::move(t)));
  }
  return Value::List(std::move(list), "template.queryResult");
}

using Fn = std::function<Result<Value>(std::vector<Value>&)>;

Fn StringFn(std::string (*f)(std::string_view)) {
  return [f](std::vector<Value>& a) -> Result<Value> { return Value::String(f(a[0].string_value())); };
}

Fn Formatter(Result<std::string> (*f)(const Value&)) {
  return [f](std::vector<Value>& a) -> Result<Value> {
    ASSIGN_OR_RETURN(std::string s, f(a[0]));
    return Value::String(std::move(s));
  };
}

}  // namespace

Result<std::string> Humanize(const Value& in) {
  ASSIGN_OR_RETURN(double v, ToFloat(in));
  if (v == 0 || std::isnan(v) || std::isinf(v)) return G4(v);
  if (std::fabs(v) >= 1) {
    std::string prefix;
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return G4(v) + prefix;
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return G4(v) + prefix;
}

Result<std::string> Humanize1024(const Value& in) {
  ASSIGN_OR_RETURN(double v, ToFloat(in));
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return G4(v);
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return G4(v) + prefix;
}

Result<std::string> HumanizeDuration(const Value& in) {
  ASSIGN_OR_RETURN(double v, ToFloat(in));
  if (std::isnan(v) || std::isinf(v)) return G4(v);
  if (v == 0) return G4(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Go's int64(v) on amd64 yields MinInt64 when v does not fit.
    const int64_t d = v >= 9223372036854775807.0 ? INT64_MIN : static_cast<int64_t>(v);
    const int64_t seconds = d % 60, minutes = (d / 60) % 60, hours = (d / 60 / 60) % 24, days = d / 60 / 60 / 24;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0) return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    return sign + G4(v) + "s";
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return G4(v) + prefix + "s";
}

Result<std::string> HumanizePercentage(const Value& in) {
  ASSIGN_OR_RETURN(double v, ToFloat(in));
  return G4(v * 100) + "%";
}

Result<std::string> HumanizeTimestamp(const Value& in) {
  ASSIGN_OR_RETURN(double v, ToFloat(in));
  if (std::isnan(v) || std::isinf(v)) return G4(v);
  const double ns = v * 1e9;
  if (ns > 9223372036854775807.0 || ns < -9223372036854775808.0) {
    return InvalidArgumentError(GoFormatValue(Value::Float(v)) +
                                " cannot be represented as a nanoseconds timestamp since it overflows int64");
  }
  // model.TimeFromUnixNano keeps milliseconds (truncating), then UTC.
  const int64_t ms = static_cast<int64_t>(ns) / 1000000;
  int64_t secs = ms / 1000;
  int64_t frac_ms = ms % 1000;
  if (frac_ms < 0) {
    frac_ms += 1000;
    --secs;
  }
  using namespace std::chrono;
  const sys_seconds tp{seconds(secs)};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{tp - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  std::string out = buf;
  if (frac_ms != 0) {
    char f[8];
    std::snprintf(f, sizeof f, ".%03lld", static_cast<long long>(frac_ms));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out + " +0000 UTC";
}

void AddPrometheusFunctions(FuncMap& f, const PrometheusFunctionOptions& options) {
  QueryFunc query = options.query;
  f["query"] = {{P::kString}, false, [query](std::vector<Value>& a) -> Result<Value> {
                  if (!query) return UnavailableError("no query function");
                  ASSIGN_OR_RETURN(std::vector<QuerySample> r, query(a[0].string_value()));
                  return ToQueryResult(std::move(r));
                }};
  f["first"] = {{P::kQueryResult}, false, [](std::vector<Value>& a) -> Result<Value> {
                  if (a[0].is_nil() || a[0].list().empty()) {
                    return InvalidArgumentError("first() called on vector with no elements");
                  }
                  return a[0].list()[0];
                }};
  f["label"] = {{P::kString, P::kSample}, false, [](std::vector<Value>& a) -> Result<Value> {
                  if (a[1].is_nil()) return NilDeref();
                  const auto& labels = a[1].sample().labels;
                  auto it = labels.find(a[0].string_value());
                  return Value::String(it == labels.end() ? "" : it->second);
                }};
  f["value"] = {{P::kSample}, false, [](std::vector<Value>& a) -> Result<Value> {
                  if (a[0].is_nil()) return NilDeref();
                  return Value::Float(a[0].sample().value);
                }};
  f["strvalue"] = {{P::kSample}, false, [](std::vector<Value>& a) -> Result<Value> {
                     if (a[0].is_nil()) return NilDeref();
                     const auto& labels = a[0].sample().labels;
                     auto it = labels.find("__value__");
                     return Value::String(it == labels.end() ? "" : it->second);
                   }};
  f["args"] = {{P::kAny}, true, [](std::vector<Value>& a) -> Result<Value> {
                 ValueMap m;
                 for (size_t i = 0; i < a.size(); ++i) m["arg" + std::to_string(i)] = a[i];
                 return Value::Map(std::move(m), "interface {}");
               }};
  f["reReplaceAll"] = {{P::kString, P::kString, P::kString}, false,
                       [](std::vector<Value>& a) -> Result<Value> {
                         auto re = Compile(a[0].string_value());
                         if (!re.ok()) {
                           return InvalidArgumentError("regexp: Compile(" + RegexpQuote(a[0].string_value()) +
                                                       "): " + re.status().message());
                         }
                         return Value::String(ReplaceAll(**re, a[2].string_value(), a[1].string_value()));
                       }};
  f["match"] = {{P::kString, P::kString}, false, [](std::vector<Value>& a) -> Result<Value> {
                  ASSIGN_OR_RETURN(auto re, Compile(a[0].string_value()));
                  return Value::Bool(re2::RE2::PartialMatch(a[1].string_value(), *re));
                }};
  f["safeHtml"] = {{P::kString}, false, [](std::vector<Value>& a) -> Result<Value> { return a[0]; }};
  f["title"] = {{P::kString}, false, StringFn(Title)};
  f["toUpper"] = {{P::kString}, false, StringFn([](std::string_view s) { return MapRunes(s, UpperRune); })};
  f["toLower"] = {{P::kString}, false, StringFn([](std::string_view s) { return MapRunes(s, LowerRune); })};
  f["graphLink"] = {{P::kString}, false, StringFn([](std::string_view s) {
                      return "/graph?g0.expr=" + QueryEscape(s) + "&g0.tab=0";
                    })};
  f["tableLink"] = {{P::kString}, false, StringFn([](std::string_view s) {
                      return "/graph?g0.expr=" + QueryEscape(s) + "&g0.tab=1";
                    })};
  f["sortByLabel"] = {{P::kString, P::kQueryResult}, false, [](std::vector<Value>& a) -> Result<Value> {
                        if (a[1].is_nil()) return a[1];
                        ValueList list = a[1].list();
                        const std::string& by = a[0].string_value();
                        auto get = [&](const Value& v) -> std::string {
                          auto it = v.sample().labels.find(by);
                          return it == v.sample().labels.end() ? "" : it->second;
                        };
                        std::stable_sort(list.begin(), list.end(),
                                         [&](const Value& x, const Value& y) { return get(x) < get(y); });
                        return Value::List(std::move(list), "template.queryResult");
                      }};
  f["stripPort"] = {{P::kString}, false, [](std::vector<Value>& a) -> Result<Value> {
                      return Value::String(StripPort(a[0].string_value()));
                    }};
  f["humanize"] = {{P::kAny}, false, Formatter(Humanize)};
  f["humanize1024"] = {{P::kAny}, false, Formatter(Humanize1024)};
  f["humanizeDuration"] = {{P::kAny}, false, Formatter(HumanizeDuration)};
  f["humanizePercentage"] = {{P::kAny}, false, Formatter(HumanizePercentage)};
  f["humanizeTimestamp"] = {{P::kAny}, false, Formatter(HumanizeTimestamp)};
  f["parseDuration"] = {{P::kString}, false, [](std::vector<Value>& a) -> Result<Value> {
                          const std::string& s = a[0].string_value();
                          if (s == "0") return Value::Float(0);
                          ASSIGN_OR_RETURN(int64_t ms, promql::ParseDuration(s));
                          return Value::Float(static_cast<double>(ms) / 1000.0);
                        }};
  const std::string url = options.external_url;
  f["externalURL"] = {{}, false, [url](std::vector<Value>&) -> Result<Value> { return Value::String(url); }};
  f["pathPrefix"] = {{}, false, [url](std::vector<Value>&) -> Result<Value> { return Value::String(UrlPath(url)); }};
}

}  // namespace pharos::rules::tmpl
