// ParseLeValue: Go's strconv.ParseFloat(s, 64) for histogram `le` labels.

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "promql/functions/quantile.h"

namespace pharos::promql {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Length of the common prefix of s and `word`, ignoring ASCII case.
size_t PrefixLenIgnoreCase(std::string_view s, std::string_view word) {
  size_t n = 0;
  while (n < s.size() && n < word.size() && Lower(s[n]) == word[n]) ++n;
  return n;
}

// "inf", "infinity" (optionally signed) and "nan" (unsigned), any case, as
// Go's special(); empty when s is not exactly one of them.
std::optional<double> ParseSpecial(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double sign = 1;
  std::string_view rest = s;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    rest = s.substr(1);
  } else if (Lower(s[0]) == 'n') {
    if (s.size() == 3 && PrefixLenIgnoreCase(s, "nan") == 3) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return std::nullopt;
  }
  if (rest.size() == 3 && PrefixLenIgnoreCase(rest, "infinity") == 3) {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (rest.size() == 8 && PrefixLenIgnoreCase(rest, "infinity") == 8) {
    return sign * std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

bool IsDigit(char c, bool hex) {
  return (c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f');
}

// Go's underscoreOK: '_' only between digits, or right after a base prefix.
bool UnderscoresOk(std::string_view s, bool hex) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  size_t i = 0;
  if (hex) {
    i = 2;
    saw = '0';
  }
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i], hex)) {
      saw = '0';
    } else if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// Checks that all of `s` (sign already removed) is a float in Go's grammar
// (readFloat): decimal digits with at most one '.', optional exponent; or
// "0x" hex digits with a mandatory 'p' exponent; '_' as underscoreOK allows.
bool ValidSyntax(std::string_view s, bool& hex) {
  size_t i = 0;
  hex = s.size() > 2 && s[0] == '0' && Lower(s[1]) == 'x';
  if (hex) i = 2;
  bool saw_digits = false, saw_dot = false, underscores = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
    } else if (IsDigit(c, hex)) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  if (i < s.size() && Lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i], false)) return false;
    for (; i < s.size() && (IsDigit(s[i], false) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  } else if (hex) {
    return false;  // a hex float needs its exponent
  }
  if (i != s.size()) return false;
  return !underscores || UnderscoresOk(s, hex);
}

}  // namespace

std::optional<double> ParseLeValue(std::string_view s) {
  if (auto special = ParseSpecial(s)) return special;
  double sign = 1;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    if (body[0] == '-') sign = -1;
    body.remove_prefix(1);
  }
  bool hex = false;
  if (!ValidSyntax(body, hex)) return std::nullopt;

  std::string digits;
  for (char c : hex ? body.substr(2) : body) {
    if (c != '_') digits.push_back(c);
  }
  double v = 0;
  const auto fmt = hex ? std::chars_format::hex : std::chars_format::general;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, fmt);
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go; underflow rounds to zero or a subnormal.
    std::string c_form = hex ? "0x" + digits : digits;
    errno = 0;
    v = std::strtod(c_form.c_str(), nullptr);
    if (std::isinf(v)) return std::nullopt;
  } else if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return sign * v;
}

}  // namespace pharos::promql
