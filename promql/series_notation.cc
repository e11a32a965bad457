#include "promql/series_notation.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "tsdb/sample.h"

namespace pharos::promql {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A cursor over one line; every error names the column it stopped at.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void Advance(size_t n = 1) { i_ += n; }
  void Backup() { --i_; }
  size_t pos() const { return i_; }
  std::string_view Slice(size_t from) const { return s_.substr(from, i_ - from); }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(s_[i_])) ++i_;
  }

  Status Error(std::string_view what) const { return ErrorAt(i_, what); }
  Status ErrorAt(size_t at, std::string_view what) const {
    return InvalidArgumentError("series notation: 1:" + std::to_string(at + 1) + ": " +
                                std::string(what));
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexVal(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 16;
}

// A Go-quoted string: "..." or '...' with escapes, or `...` raw.
Result<std::string> ParseQuoted(Cursor& c) {
  const char quote = c.Peek();
  if (quote != '"' && quote != '\'' && quote != '`') return c.Error("expected a quoted string");
  const size_t start = c.pos();
  c.Advance();
  std::string out;
  while (true) {
    if (c.AtEnd()) return c.ErrorAt(start, "unterminated quoted string");
    const char ch = c.Peek();
    c.Advance();
    if (ch == quote) break;
    if (ch == '\n' && quote != '`') return c.ErrorAt(start, "unterminated quoted string");
    if (ch != '\\' || quote == '`') {
      out += ch;
      continue;
    }
    const size_t esc = c.pos() - 1;
    const char e = c.Peek();
    c.Advance();
    switch (e) {
      case 'a': out += '\a'; continue;
      case 'b': out += '\b'; continue;
      case 'f': out += '\f'; continue;
      case 'n': out += '\n'; continue;
      case 'r': out += '\r'; continue;
      case 't': out += '\t'; continue;
      case 'v': out += '\v'; continue;
      case '\\': out += '\\'; continue;
      default: break;
    }
    if (e == quote) {
      out += e;
      continue;
    }
    int digits = 0;
    int base = 16;
    uint32_t max = 255;
    if (e >= '0' && e <= '7') {
      digits = 3, base = 8;
      c.Backup();  // the first digit belongs to the value
    } else if (e == 'x') {
      digits = 2;
    } else if (e == 'u') {
      digits = 4, max = 0x10FFFF;
    } else if (e == 'U') {
      digits = 8, max = 0x10FFFF;
    } else {
      return c.ErrorAt(esc, "unknown escape sequence in quoted string");
    }
    uint32_t v = 0;
    for (int k = 0; k < digits; ++k) {
      const int d = HexVal(c.Peek());
      if (c.AtEnd() || d >= base) return c.ErrorAt(esc, "bad escape sequence in quoted string");
      v = v * base + d;
      c.Advance();
    }
    if (v > max || (v >= 0xD800 && v < 0xE000)) {
      return c.ErrorAt(esc, "escape sequence is an invalid Unicode code point");
    }
    if (e == 'x' || base == 8) {
      out += static_cast<char>(v);  // a byte, as in Go
    } else {
      AppendUtf8(v, out);
    }
  }
  if (!tsdb::ValidUtf8(out)) return c.ErrorAt(start, "invalid UTF-8 in quoted string");
  return out;
}

// `name`, `name{...}` or `{...}`, leaving the cursor after it.
Result<tsdb::Labels> ParseMetric(Cursor& c) {
  std::vector<tsdb::Label> raw;
  bool braces = false;
  if (IsAlpha(c.Peek()) || c.Peek() == ':') {
    const size_t start = c.pos();
    while (IsAlnum(c.Peek()) || c.Peek() == ':') c.Advance();
    raw.push_back({std::string(tsdb::kMetricName), std::string(c.Slice(start))});
  }
  if (c.Peek() == '{') {
    braces = true;
    c.Advance();
    while (true) {
      c.SkipSpaces();
      if (c.Peek() == '}') {
        c.Advance();
        break;
      }
      if (!IsAlpha(c.Peek())) return c.Error("expected a label name or '}'");
      const size_t start = c.pos();
      while (IsAlnum(c.Peek())) c.Advance();
      std::string name(c.Slice(start));
      c.SkipSpaces();
      if (c.Peek() != '=' || c.Peek(1) == '~') return c.Error("expected '=' after a label name");
      c.Advance();
      c.SkipSpaces();
      ASSIGN_OR_RETURN(std::string value, ParseQuoted(c));
      for (const tsdb::Label& l : raw) {
        if (l.name == name) return c.ErrorAt(start, "duplicate label name \"" + name + "\"");
      }
      raw.push_back({std::move(name), std::move(value)});
      c.SkipSpaces();
      if (c.Peek() == ',') {
        c.Advance();
      } else if (c.Peek() != '}') {
        return c.Error("expected ',' or '}' in a label set");
      }
    }
  }
  if (raw.empty() && !braces) return c.Error("expected a metric name or '{'");
  // `{}` (no labels) is allowed: it names a scalar turned into a series.
  return tsdb::Labels(std::move(raw));
}

// A float as Prometheus' series lexer reads it: [+-] then Inf, NaN or
// digits[.digits][e[+-]digits]. The caller checks what follows.
Result<double> ParseNumber(Cursor& c) {
  const size_t start = c.pos();
  bool negative = false;
  if (c.Peek() == '+' || c.Peek() == '-') {
    negative = c.Peek() == '-';
    c.Advance();
  }
  if (IsAlpha(c.Peek())) {
    const size_t word = c.pos();
    while (IsAlnum(c.Peek()) || c.Peek() == ':') c.Advance();
    std::string w(c.Slice(word));
    for (char& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (w == "inf") return negative ? -std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::infinity();
    if (w == "nan") return std::numeric_limits<double>::quiet_NaN();
    return c.ErrorAt(word, "unexpected \"" + std::string(c.Slice(word)) +
                               "\" in series values, expected a number or \"stale\"");
  }
  const size_t digits = c.pos();
  bool any = false;
  while (IsDigit(c.Peek())) c.Advance(), any = true;
  if (c.Peek() == '.') {
    c.Advance();
    while (IsDigit(c.Peek())) c.Advance(), any = true;
  }
  if (!any) return c.ErrorAt(start, "expected a number in series values");
  if (c.Peek() == 'e' || c.Peek() == 'E') {
    c.Advance();
    if (c.Peek() == '+' || c.Peek() == '-') c.Advance();
    if (!IsDigit(c.Peek())) return c.ErrorAt(start, "bad number syntax in series values");
    while (IsDigit(c.Peek())) c.Advance();
  }
  // Anything alphanumeric glued on, except the repetition's `x`, is junk.
  if (c.Peek() != 'x' && (IsAlnum(c.Peek()) || c.Peek() == '.')) {
    return c.ErrorAt(start, "bad number syntax in series values");
  }
  const std::string text(c.Slice(digits));
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    return c.ErrorAt(start, "bad number syntax in series values");
  }
  return negative ? -v : v;
}

// `xN` after a value; N is a plain unsigned integer.
Result<uint64_t> ParseTimes(Cursor& c) {
  c.Advance();  // 'x'
  const size_t start = c.pos();
  while (IsDigit(c.Peek())) c.Advance();
  if (c.pos() == start) return c.Error("expected a repetition count after 'x'");
  if (!c.AtEnd() && !IsSpace(c.Peek())) return c.Error("unexpected character after a repetition count");
  uint64_t n = 0;
  const std::string_view digits = c.Slice(start);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || n > kMaxSeriesValues) {
    return c.ErrorAt(start, "repetition count too large (at most " +
                                std::to_string(kMaxSeriesValues) + " values)");
  }
  return n;
}

Status ParseValues(Cursor& c, std::vector<std::optional<double>>& out) {
  auto room = [&](uint64_t n) { return n <= kMaxSeriesValues - out.size(); };
  while (true) {
    c.SkipSpaces();
    if (c.AtEnd()) return Status();
    const size_t item = c.pos();
    if (c.Peek() == '_') {
      c.Advance();
      uint64_t n = 1;
      if (c.Peek() == 'x') {
        ASSIGN_OR_RETURN(n, ParseTimes(c));
      } else if (!c.AtEnd() && !IsSpace(c.Peek())) {
        return c.Error("unexpected character after '_' in series values");
      }
      if (!room(n)) return c.ErrorAt(item, "series expands to too many values");
      out.insert(out.end(), n, std::nullopt);
      continue;
    }
    double first;
    if (c.Peek() == 's') {
      const size_t word = c.pos();
      while (IsAlnum(c.Peek()) || c.Peek() == ':') c.Advance();
      if (c.Slice(word) != "stale") {
        return c.ErrorAt(word, "unexpected \"" + std::string(c.Slice(word)) +
                                   "\" in series values, expected a number or \"stale\"");
      }
      first = tsdb::kStaleNaN;
    } else {
      ASSIGN_OR_RETURN(first, ParseNumber(c));
    }
    if (c.AtEnd() || IsSpace(c.Peek())) {
      if (!room(1)) return c.ErrorAt(item, "series expands to too many values");
      out.push_back(first);
    } else if (c.Peek() == 'x') {
      ASSIGN_OR_RETURN(uint64_t n, ParseTimes(c));
      if (!room(n + 1)) return c.ErrorAt(item, "series expands to too many values");
      out.insert(out.end(), n + 1, first);
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      ASSIGN_OR_RETURN(double step, ParseNumber(c));
      if (c.Peek() != 'x') return c.Error("expected 'x' and a count after an increment");
      ASSIGN_OR_RETURN(uint64_t n, ParseTimes(c));
      if (!room(n + 1)) return c.ErrorAt(item, "series expands to too many values");
      double v = first;
      out.push_back(v);
      for (uint64_t k = 0; k < n; ++k) {
        v += step;  // repeated addition, as Prometheus computes it
        out.push_back(v);
      }
    } else {
      return c.Error("unexpected character in series values");
    }
  }
}

}  // namespace

Result<tsdb::Labels> ParseSeriesLabels(std::string_view text) {
  Cursor c(text);
  c.SkipSpaces();
  ASSIGN_OR_RETURN(tsdb::Labels labels, ParseMetric(c));
  c.SkipSpaces();
  if (!c.AtEnd()) return c.Error("unexpected input after the label set");
  return labels;
}

Result<SeriesDescription> ParseSeriesDescription(std::string_view line) {
  Cursor c(line);
  c.SkipSpaces();
  SeriesDescription desc;
  ASSIGN_OR_RETURN(desc.labels, ParseMetric(c));
  if (!c.AtEnd() && !IsSpace(c.Peek())) return c.Error("expected whitespace after the metric");
  RETURN_IF_ERROR(ParseValues(c, desc.values));
  return desc;
}

}  // namespace pharos::promql
