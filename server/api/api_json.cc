#include "server/api/api_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace pharos::server {
namespace {

// Shortest round-trip digits in `fmt`.
std::string ToChars(double v, std::chars_format fmt) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, fmt);
  return std::string(buf, end);
}

// strconv's spellings of the non-finite values.
bool NonFinite(double v, std::string* out) {
  if (std::isnan(v)) {
    *out = "NaN";
  } else if (std::isinf(v)) {
    *out = v > 0 ? "+Inf" : "-Inf";
  } else {
    return false;
  }
  return true;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

void AppendQuotedJson(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
        continue;
      }
      std::string_view seq = s.substr(i, n);
      if (seq == "\xE2\x80\xA8") {
        out += "\\u2028";
      } else if (seq == "\xE2\x80\xA9") {
        out += "\\u2029";
      } else {
        out += seq;
      }
      i += n;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void AppendSampleValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  const double abs = std::fabs(v);
  const bool exp = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v,
                                 exp ? std::chars_format::scientific : std::chars_format::fixed);
  out.append(buf, end);
}

std::string FormatSampleValue(double v) {
  std::string s;
  AppendSampleValue(s, v);
  return s;
}

std::string FormatFloatF(double v) {
  std::string s;
  if (NonFinite(v, &s)) return s;
  return ToChars(v, std::chars_format::fixed);
}

void AppendSampleTime(std::string& out, int64_t t_ms) {
  uint64_t t = static_cast<uint64_t>(t_ms);
  if (t_ms < 0) {
    out.push_back('-');
    t = 0 - t;
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), t / 1000);
  out.append(buf, end);
  const unsigned fraction = static_cast<unsigned>(t % 1000);
  if (fraction != 0) {
    // Always three digits, trailing zeros kept, as Prometheus writes them
    // (1.500, 1.050, 1.005).
    const char frac[4] = {'.', static_cast<char>('0' + fraction / 100),
                          static_cast<char>('0' + fraction / 10 % 10),
                          static_cast<char>('0' + fraction % 10)};
    out.append(frac, 4);
  }
}

std::string FormatSampleTime(int64_t t_ms) {
  std::string out;
  AppendSampleTime(out, t_ms);
  return out;
}

std::string FormatGoJsonFloat(double v) {
  // Finite values are spelled as sample values are.
  return std::isfinite(v) ? FormatSampleValue(v) : "null";
}

std::string FormatFloatE(double v) {
  std::string s;
  if (NonFinite(v, &s)) return s;
  return ToChars(v, std::chars_format::scientific);
}

std::string FormatRfc3339(int64_t t_ms) {
  if (t_ms == 0) return "0001-01-01T00:00:00Z";
  int64_t secs = t_ms >= 0 ? t_ms / 1000 : (t_ms - 999) / 1000;
  int64_t ms = t_ms - secs * 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days (Howard Hinnant's algorithm).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), static_cast<long long>(m),
                        static_cast<long long>(d), static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (ms != 0) {
    char frac[32];
    std::snprintf(frac, sizeof(frac), ".%03lld", static_cast<long long>(ms));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "Z";
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  first_.pop_back();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  out_.push_back(']');
  first_.pop_back();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendQuotedJson(out_, key);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::SamplePair(int64_t t_ms, double v) {
  BeforeValue();
  out_.push_back('[');
  AppendSampleTime(out_, t_ms);
  out_ += ",\"";
  AppendSampleValue(out_, v);  // never needs escaping
  out_ += "\"]";
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendQuotedJson(out_, s);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  out_ += std::to_string(v);
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonWriter::GoFloat(double v) {
  BeforeValue();
  out_ += FormatGoJsonFloat(v);
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_ += json;
}

std::string JsonWriter::Take() {
  std::string s = std::move(out_);
  out_.clear();
  first_.clear();
  after_key_ = false;
  return s;
}

}  // namespace pharos::server
