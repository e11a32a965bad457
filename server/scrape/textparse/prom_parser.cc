#include "server/scrape/textparse/prom_parser.h"

#include <bit>
#include <cmath>
#include <string>

namespace pharos::server::scrape {

using namespace textparse_internal;

void PromParser::SkipBlanks() {
  while (pos_ < body_.size() && (body_[pos_] == ' ' || body_[pos_] == '\t')) ++pos_;
}

void PromParser::SkipLine() {
  size_t nl = body_.find('\n', pos_);
  pos_ = nl == std::string_view::npos ? body_.size() : nl + 1;
}

std::string_view PromParser::TokenAt() const {
  if (pos_ >= body_.size()) return "EOF";
  switch (body_[pos_]) {
    case '\n': return "LINEBREAK";
    case '=': return "EQUAL";
    case '{': return "BOPEN";
    case '}': return "BCLOSE";
    case ',': return "COMMA";
    default: return "INVALID";
  }
}

Result<Entry> PromParser::Next() {
  while (true) {
    SkipBlanks();
    if (pos_ >= body_.size()) return Entry::kEof;
    char c = body_[pos_];
    if (c == '\n') {
      ++pos_;
      continue;
    }
    if (c == '#') return ParseMeta();
    if (IsNameStart(c)) return ParseSample();
    return Error("expected a valid start token, got \"" + std::string(TokenAt()) + "\"");
  }
}

Result<Entry> PromParser::ParseMeta() {
  size_t line_start = pos_;
  ++pos_;  // '#'
  SkipBlanks();
  std::string_view rest = body_.substr(pos_);
  bool help = rest.starts_with("HELP");
  bool type = rest.starts_with("TYPE");
  if ((help || type) && rest.size() > 4 && (rest[4] == ' ' || rest[4] == '\t')) {
    pos_ += 4;
    SkipBlanks();
    size_t start = pos_;
    if (pos_ < body_.size() && IsNameStart(body_[pos_])) {
      while (pos_ < body_.size() && IsNameChar(body_[pos_])) ++pos_;
    }
    if (pos_ == start) {
      return Error(std::string("expected metric name after ") + (help ? "HELP" : "TYPE") +
                   ", got \"" + std::string(TokenAt()) + "\"");
    }
    name_ = body_.substr(start, pos_ - start);
    size_t nl = body_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? body_.size() : nl;
    std::string_view text = body_.substr(pos_, end - pos_);
    if (!text.empty() && text[0] != ' ' && text[0] != '\t') {
      return Error(std::string("expected text in ") + (help ? "HELP" : "TYPE") +
                   ", got \"INVALID\"");
    }
    if (!text.empty()) text.remove_prefix(1);
    pos_ = nl == std::string_view::npos ? body_.size() : nl + 1;
    if (help) {
      if (!tsdb::ValidUtf8(text)) {
        return Error("help text " + GoQuote(text) + " is not a valid utf8 string");
      }
      text_ = text.find('\\') == std::string_view::npos ? std::string(text)
                                                          : Unescape(text, false);
      return Entry::kHelp;
    }
    if (text == "counter") type_ = MetricType::kCounter;
    else if (text == "gauge") type_ = MetricType::kGauge;
    else if (text == "histogram") type_ = MetricType::kHistogram;
    else if (text == "summary") type_ = MetricType::kSummary;
    else if (text == "untyped") type_ = MetricType::kUnknown;
    else return Error("invalid metric type " + GoQuote(text));
    return Entry::kType;
  }
  SkipLine();
  std::string_view comment = body_.substr(line_start, pos_ - line_start);
  if (!comment.empty() && comment.back() == '\n') comment.remove_suffix(1);
  text_.assign(comment);
  return Entry::kComment;
}

Status PromParser::ParseLabels() {
  ++pos_;  // '{'
  while (true) {
    SkipBlanks();
    if (pos_ < body_.size() && body_[pos_] == '}') {
      ++pos_;
      return Status();
    }
    size_t start = pos_;
    if (pos_ < body_.size() && IsLabelStart(body_[pos_])) {
      while (pos_ < body_.size() && IsLabelChar(body_[pos_])) ++pos_;
    }
    if (pos_ == start) {
      return Error("expected label name, got \"" + std::string(TokenAt()) + "\"");
    }
    RawLabel label;
    label.name = body_.substr(start, pos_ - start);
    SkipBlanks();
    if (pos_ >= body_.size() || body_[pos_] != '=') {
      return Error("expected equal, got \"" + std::string(TokenAt()) + "\"");
    }
    ++pos_;
    SkipBlanks();
    if (pos_ >= body_.size() || body_[pos_] != '"') {
      return Error("expected label value, got \"" + std::string(TokenAt()) + "\"");
    }
    RETURN_IF_ERROR(ReadQuotedValue(&label));
    labels_.push_back(label);
    SkipBlanks();
    if (pos_ < body_.size() && body_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < body_.size() && body_[pos_] == '}') continue;
    return Error("expected comma, got \"" + std::string(TokenAt()) + "\"");
  }
}

Result<Entry> PromParser::ParseSample() {
  size_t start = pos_;
  while (pos_ < body_.size() && IsNameChar(body_[pos_])) ++pos_;
  name_ = body_.substr(start, pos_ - start);
  labels_.clear();
  SkipBlanks();
  if (pos_ < body_.size() && body_[pos_] == '{') {
    RETURN_IF_ERROR(ParseLabels());
  }
  series_ = body_.substr(start, pos_ - start);
  while (!series_.empty() && (series_.back() == ' ' || series_.back() == '\t')) {
    series_.remove_suffix(1);
  }
  SkipBlanks();
  size_t vstart = pos_;
  while (pos_ < body_.size() && body_[pos_] != ' ' && body_[pos_] != '\t' &&
         body_[pos_] != '\n') {
    ++pos_;
  }
  if (pos_ == vstart) {
    return Error("expected value after metric, got \"" + std::string(TokenAt()) + "\"");
  }
  std::string err;
  if (!ParseGoFloat(body_.substr(vstart, pos_ - vstart), &value_, &err)) return Error(err);
  if (std::isnan(value_)) value_ = std::bit_cast<double>(kNormalNaNBits);
  has_timestamp_ = false;
  SkipBlanks();
  if (pos_ < body_.size() && body_[pos_] != '\n') {
    size_t tstart = pos_;
    while (pos_ < body_.size() && body_[pos_] != ' ' && body_[pos_] != '\t' &&
           body_[pos_] != '\n') {
      ++pos_;
    }
    if (!ParseGoInt(body_.substr(tstart, pos_ - tstart), &timestamp_, &err)) return Error(err);
    has_timestamp_ = true;
    SkipBlanks();
    if (pos_ < body_.size() && body_[pos_] != '\n') {
      return Error("expected next entry after timestamp, got \"INVALID\"");
    }
  }
  if (pos_ < body_.size()) ++pos_;  // '\n'
  return Entry::kSeries;
}

}  // namespace pharos::server::scrape
