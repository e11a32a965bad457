#include "tsdb/matcher.h"

#include <re2/re2.h>

#include <algorithm>

namespace pharos::tsdb {
namespace {

bool HasRegexMeta(std::string_view s) {
  return s.find_first_of("\\.+*?()|[]{}^$") != std::string_view::npos;
}

// Splits "a|b|c" into literals when no alternative has metacharacters.
bool SplitLiteralAlternation(std::string_view s, std::vector<std::string>& out) {
  if (s.find_first_of("\\.+*?()[]{}^$") != std::string_view::npos) return false;
  size_t start = 0;
  while (true) {
    size_t bar = s.find('|', start);
    out.emplace_back(s.substr(start, bar == std::string_view::npos ? s.npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return true;
}

}  // namespace

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual: return "=";
    case MatchType::kNotEqual: return "!=";
    case MatchType::kRegexMatch: return "=~";
    case MatchType::kRegexNoMatch: return "!~";
  }
  return "?";
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kEqual || type == MatchType::kNotEqual) {
    m.fast_ = Fast::kLiteral;
    m.set_ = {m.value_};
    return m;
  }
  const std::string& v = m.value_;
  if (v == ".*") {
    m.fast_ = Fast::kAny;
  } else if (v == ".+") {
    m.fast_ = Fast::kNonEmpty;
  } else if (!HasRegexMeta(v)) {
    m.fast_ = Fast::kLiteral;
    m.set_ = {v};
  } else if (SplitLiteralAlternation(v, m.set_)) {
    m.fast_ = Fast::kSet;
  } else {
    m.set_.clear();
  }
  // Compile even for fast paths so that invalid patterns are always rejected
  // the same way.
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_dot_nl(true);  // Go's regexp in Prometheus uses (?s)
  auto re = std::make_shared<RE2>("^(?:" + v + ")$", opts);
  if (!re->ok()) {
    return InvalidArgumentError("error parsing regexp: " + re->error() + ": `" + v + "`");
  }
  if (m.fast_ == Fast::kNone) m.re_ = std::move(re);
  return m;
}

bool Matcher::Matches(std::string_view v) const {
  bool match;
  switch (fast_) {
    case Fast::kAny: match = true; break;
    case Fast::kNonEmpty: match = !v.empty(); break;
    case Fast::kLiteral: match = v == set_[0]; break;
    case Fast::kSet: match = std::binary_search(set_.begin(), set_.end(), v); break;
    default: match = RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
  }
  bool negate = type_ == MatchType::kNotEqual || type_ == MatchType::kRegexNoMatch;
  return match != negate;
}

std::string Matcher::ToString() const {
  std::string out = name_;
  out += MatchTypeString(type_);
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace pharos::tsdb
