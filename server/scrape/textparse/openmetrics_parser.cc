#include "server/scrape/textparse/openmetrics_parser.h"

#include <bit>
#include <cmath>
#include <string>

namespace pharos::server::scrape {

using namespace textparse_internal;

std::string_view OpenMetricsParser::TokenAt() const {
  if (pos_ >= body_.size()) return "EOF";
  switch (body_[pos_]) {
    case '\n': return "LINEBREAK";
    case '=': return "EQUAL";
    case '{': return "BOPEN";
    case '}': return "BCLOSE";
    case ',': return "COMMA";
    case ' ': return "WHITESPACE";
    default: return "INVALID";
  }
}

std::string_view OpenMetricsParser::Word() {
  size_t start = pos_;
  while (pos_ < body_.size() && body_[pos_] != ' ' && body_[pos_] != '\n') ++pos_;
  return body_.substr(start, pos_ - start);
}

Result<Entry> OpenMetricsParser::Next() {
  if (eof_seen_) return Entry::kEof;
  if (pos_ >= body_.size()) return Error("data does not end with # EOF");
  char c = body_[pos_];
  if (c == '#') return ParseMeta();
  if (IsNameStart(c)) return ParseSample();
  return Error("expected a valid start token, got \"" + std::string(TokenAt()) + "\"");
}

Result<Entry> OpenMetricsParser::ParseMeta() {
  std::string_view rest = body_.substr(pos_);
  if (rest == "# EOF" || rest == "# EOF\n") {
    eof_seen_ = true;
    pos_ = body_.size();
    return Entry::kEof;
  }
  if (rest.starts_with("# EOF\n")) return Error("unexpected data after # EOF");
  Entry kind;
  if (rest.starts_with("# HELP ")) kind = Entry::kHelp;
  else if (rest.starts_with("# TYPE ")) kind = Entry::kType;
  else if (rest.starts_with("# UNIT ")) kind = Entry::kUnit;
  else return Error("expected a valid start token, got \"INVALID\"");
  std::string_view word = kind == Entry::kHelp ? "HELP" : kind == Entry::kType ? "TYPE" : "UNIT";
  pos_ += 7;
  size_t start = pos_;
  if (pos_ < body_.size() && IsNameStart(body_[pos_])) {
    while (pos_ < body_.size() && IsNameChar(body_[pos_])) ++pos_;
  }
  if (pos_ == start) {
    return Error("expected metric name after " + std::string(word) + ", got \"" +
                 std::string(TokenAt()) + "\"");
  }
  name_ = body_.substr(start, pos_ - start);
  size_t nl = body_.find('\n', pos_);
  if (nl == std::string_view::npos) {
    return Error("expected text in " + std::string(word) + ", got \"EOF\"");
  }
  std::string_view text = body_.substr(pos_, nl - pos_);
  if (!text.empty()) {
    if (text[0] != ' ') {
      return Error("expected text in " + std::string(word) + ", got \"INVALID\"");
    }
    text.remove_prefix(1);
  }
  pos_ = nl + 1;
  switch (kind) {
    case Entry::kHelp:
      if (!tsdb::ValidUtf8(text)) {
        return Error("help text " + GoQuote(text) + " is not a valid utf8 string");
      }
      text_ = text.find('\\') == std::string_view::npos ? std::string(text) : Unescape(text, true);
      return kind;
    case Entry::kUnit:
      if (!text.empty() &&
          !(name_.size() > text.size() && name_.ends_with(text) &&
            name_[name_.size() - text.size() - 1] == '_')) {
        return Error("unit not a suffix of metric " + GoQuote(name_));
      }
      text_.assign(text);
      return kind;
    default:
      break;
  }
  if (text == "counter") type_ = MetricType::kCounter;
  else if (text == "gauge") type_ = MetricType::kGauge;
  else if (text == "histogram") type_ = MetricType::kHistogram;
  else if (text == "gaugehistogram") type_ = MetricType::kGaugeHistogram;
  else if (text == "summary") type_ = MetricType::kSummary;
  else if (text == "info") type_ = MetricType::kInfo;
  else if (text == "stateset") type_ = MetricType::kStateset;
  else if (text == "unknown") type_ = MetricType::kUnknown;
  else return Error("invalid metric type " + GoQuote(text));
  return kind;
}

Status OpenMetricsParser::ParseLabels(std::vector<RawLabel>* out) {
  ++pos_;  // '{'
  if (pos_ < body_.size() && body_[pos_] == '}') {
    ++pos_;
    return Status();
  }
  while (true) {
    size_t start = pos_;
    if (pos_ < body_.size() && IsLabelStart(body_[pos_])) {
      while (pos_ < body_.size() && IsLabelChar(body_[pos_])) ++pos_;
    }
    if (pos_ == start) {
      return Error("expected label name, got \"" + std::string(TokenAt()) + "\"");
    }
    RawLabel label;
    label.name = body_.substr(start, pos_ - start);
    if (pos_ >= body_.size() || body_[pos_] != '=') {
      return Error("expected equal, got \"" + std::string(TokenAt()) + "\"");
    }
    ++pos_;
    if (pos_ >= body_.size() || body_[pos_] != '"') {
      return Error("expected label value, got \"" + std::string(TokenAt()) + "\"");
    }
    RETURN_IF_ERROR(ReadQuotedValue(&label));
    if (out != nullptr) out->push_back(label);
    if (pos_ < body_.size() && body_[pos_] == ',') {
      ++pos_;
      if (pos_ < body_.size() && body_[pos_] == '}') {
        ++pos_;
        return Status();
      }
      continue;
    }
    if (pos_ < body_.size() && body_[pos_] == '}') {
      ++pos_;
      return Status();
    }
    return Error("expected comma or brace close, got \"" + std::string(TokenAt()) + "\"");
  }
}

Status OpenMetricsParser::ParseExemplar() {
  // At " # {".
  if (body_.substr(pos_, 4) != " # {") {
    return Error("expected next entry after timestamp, got \"INVALID\"");
  }
  pos_ += 3;
  exemplar_labels_.clear();
  RETURN_IF_ERROR(ParseLabels(&exemplar_labels_));
  size_t runes = 0;
  for (const RawLabel& l : exemplar_labels_) runes += l.name.size() + l.value.size();
  if (runes > 128) return Error("exemplar labels have 129 or more characters");
  if (pos_ >= body_.size() || body_[pos_] != ' ') {
    return Error("expected value after exemplar labels, got \"" + std::string(TokenAt()) + "\"");
  }
  ++pos_;
  std::string_view v = Word();
  double ev;
  std::string err;
  if (v.empty()) return Error("expected value after exemplar labels, got \"INVALID\"");
  if (!ParseGoFloat(v, &ev, &err)) return Error(err);
  if (pos_ < body_.size() && body_[pos_] == ' ') {
    ++pos_;
    std::string_view ts = Word();
    double t;
    if (!ParseGoFloat(ts, &t, &err)) return Error(err);
    if (std::isnan(t) || std::isinf(t)) return Error("invalid exemplar timestamp");
  }
  return Status();
}

Result<Entry> OpenMetricsParser::ParseSample() {
  size_t start = pos_;
  while (pos_ < body_.size() && IsNameChar(body_[pos_])) ++pos_;
  name_ = body_.substr(start, pos_ - start);
  labels_.clear();
  if (pos_ < body_.size() && body_[pos_] == '{') {
    RETURN_IF_ERROR(ParseLabels(&labels_));
  }
  series_ = body_.substr(start, pos_ - start);
  if (pos_ >= body_.size() || body_[pos_] != ' ') {
    return Error("expected value after metric, got \"" + std::string(TokenAt()) + "\"");
  }
  ++pos_;
  std::string_view v = Word();
  if (v.empty()) return Error("expected value after metric, got \"" + std::string(TokenAt()) + "\"");
  std::string err;
  if (!ParseGoFloat(v, &value_, &err)) return Error(err);
  if (std::isnan(value_)) value_ = std::bit_cast<double>(kNormalNaNBits);
  has_timestamp_ = false;
  if (pos_ < body_.size() && body_[pos_] == ' ' && body_.substr(pos_, 2) != " #") {
    ++pos_;
    std::string_view ts = Word();
    double t;
    if (ts.empty() || !ParseGoFloat(ts, &t, &err)) {
      return Error(ts.empty() ? "expected timestamp, got \"INVALID\"" : err);
    }
    if (std::isnan(t) || std::isinf(t)) return Error("invalid timestamp");
    timestamp_ = static_cast<int64_t>(t * 1000);
    has_timestamp_ = true;
  }
  if (pos_ < body_.size() && body_[pos_] == ' ') RETURN_IF_ERROR(ParseExemplar());
  if (pos_ >= body_.size()) return Error("data does not end with # EOF");
  if (body_[pos_] != '\n') {
    return Error("expected next entry after timestamp, got \"" + std::string(TokenAt()) + "\"");
  }
  ++pos_;
  return Entry::kSeries;
}

}  // namespace pharos::server::scrape
