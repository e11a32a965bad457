#include "server/scrape/textparse/parser.h"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "server/scrape/textparse/openmetrics_parser.h"
#include "server/scrape/textparse/prom_parser.h"

namespace pharos::server::scrape {

std::unique_ptr<Parser> Parser::New(std::string_view body, std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string_view media = content_type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  if (media == "application/openmetrics-text") {
    return std::make_unique<OpenMetricsParser>(body);
  }
  return std::make_unique<PromParser>(body);
}

std::string_view MetricTypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kGaugeHistogram: return "gaugehistogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo: return "info";
    case MetricType::kStateset: return "stateset";
    case MetricType::kUnknown: break;
  }
  return "unknown";
}

void Parser::AppendLabels(std::vector<tsdb::Label>* out) const {
  out->push_back({std::string(tsdb::kMetricName), std::string(name_)});
  for (const RawLabel& l : labels_) {
    out->push_back({std::string(l.name), l.escaped ? textparse_internal::Unescape(l.value, true)
                                                   : std::string(l.value)});
  }
}

Status Parser::Error(std::string_view message) const {
  return InvalidArgumentError(std::string(message));
}

namespace textparse_internal {

namespace {
bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}
}  // namespace

bool ParseGoFloat(std::string_view s, double* out, std::string* err) {
  if (s.find_first_of("pP_") != std::string_view::npos) {
    *err = "unsupported character in float";
    return false;
  }
  auto syntax = [&] {
    *err = "strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax";
    return false;
  };
  if (s.empty()) return syntax();
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
    if (EqualFold(body, "inf") || EqualFold(body, "infinity")) {
      *out = neg ? -HUGE_VAL : HUGE_VAL;
      return true;
    }
  } else {
    if (EqualFold(body, "inf") || EqualFold(body, "infinity")) {
      *out = HUGE_VAL;
      return true;
    }
    if (EqualFold(body, "nan")) {
      *out = std::bit_cast<double>(kNormalNaNBits);
      return true;
    }
  }
  if (body.empty()) return syntax();
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return syntax();
    }
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return syntax();
  if (ec == std::errc::result_out_of_range) {
    std::string copy(body);
    errno = 0;
    v = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) {
      *err = "strconv.ParseFloat: parsing " + GoQuote(s) + ": value out of range";
      return false;
    }
  } else if (ec != std::errc()) {
    return syntax();
  }
  *out = neg ? -v : v;
  return true;
}

bool ParseGoInt(std::string_view s, int64_t* out, std::string* err) {
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (body.empty() || ptr != body.data() + body.size() || (ec != std::errc() &&
                                                           ec != std::errc::result_out_of_range)) {
    *err = "strconv.ParseInt: parsing " + GoQuote(s) + ": invalid syntax";
    return false;
  }
  if (ec == std::errc::result_out_of_range) {
    *err = "strconv.ParseInt: parsing " + GoQuote(s) + ": value out of range";
    return false;
  }
  *out = v;
  return true;
}

std::string Unescape(std::string_view s, bool quotes) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == '\\') { out.push_back('\\'); ++i; continue; }
      if (n == 'n') { out.push_back('\n'); ++i; continue; }
      if (quotes && n == '"') { out.push_back('"'); ++i; continue; }
    }
    out.push_back(c);
  }
  return out;
}

std::string GoQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      if (len != 0 && i + len <= s.size() && tsdb::ValidUtf8(s.substr(i, len))) {
        out.append(s.substr(i, len));
        i += len;
        continue;
      }
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

}  // namespace textparse_internal
Status Parser::ReadQuotedValue(RawLabel* label) {
  ++pos_;  // the opening quote
  const size_t start = pos_;
  bool high = false;
  while (true) {
    if (pos_ >= body_.size() || body_[pos_] == '\n') {
      return Error("expected label value, got \"INVALID\"");
    }
    const char c = body_[pos_];
    if (c == '"') break;
    if (c == '\\') {
      label->escaped = true;
      ++pos_;
      if (pos_ >= body_.size() || body_[pos_] == '\n') {
        return Error("expected label value, got \"INVALID\"");
      }
    }
    if (static_cast<unsigned char>(body_[pos_]) >= 0x80) high = true;
    ++pos_;
  }
  label->value = body_.substr(start, pos_ - start);
  ++pos_;  // the closing quote
  if (high && !tsdb::ValidUtf8(label->value)) return Error("invalid UTF-8 label value");
  return Status();
}

}  // namespace pharos::server::scrape
