// Vector selectors and label matchers, grouping label lists, and the postfix
// forms: ranges, subqueries, `offset` and `@`.
#include <re2/re2.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "promql/parser.h"
#include "promql/parser_impl.h"
#include "promql/string_escape.h"

namespace pharos::promql::internal {
namespace {

bool IsLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Tokens the grammar accepts as a label in grouping lists.
bool IsMaybeLabel(Tok t) {
  switch (t) {
    case Tok::kIdentifier:
    case Tok::kMetricIdentifier:
    case Tok::kBool:
    case Tok::kBy:
    case Tok::kGroupLeft:
    case Tok::kGroupRight:
    case Tok::kIgnoring:
    case Tok::kLand:
    case Tok::kLor:
    case Tok::kLunless:
    case Tok::kOffset:
    case Tok::kOn:
    case Tok::kStart:
    case Tok::kEnd:
    case Tok::kAtan2:
      return true;
    default:
      return IsAggregatorTok(t);
  }
}

// Go's regexp rejects `\C` (any byte), which RE2 accepts. The position of
// the first such escape, or npos.
size_t AnyByteEscape(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'C') return i;
    ++i;  // skip the escaped character
  }
  return std::string_view::npos;
}

bool HasAnyByteEscape(std::string_view pattern) {
  return AnyByteEscape(pattern) != std::string_view::npos;
}

// Go's regexp/syntax wording for RE2's error codes.
std::string GoRegexError(const std::string& pattern) {
  const std::string any_byte = "error parsing regexp: invalid escape sequence: `\\C`";
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_dot_nl(true);
  RE2 re("^(?:" + pattern + ")$", opts);
  std::string_view what;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape: what = "invalid escape sequence"; break;
    case RE2::ErrorBadCharClass: what = "invalid character class"; break;
    case RE2::ErrorBadCharRange: what = "invalid character class range"; break;
    case RE2::ErrorMissingBracket: what = "missing closing ]"; break;
    case RE2::ErrorMissingParen: what = "missing closing )"; break;
    case RE2::ErrorUnexpectedParen: what = "unexpected )"; break;
    case RE2::ErrorTrailingBackslash: what = "trailing backslash at end of expression"; break;
    case RE2::ErrorRepeatArgument: what = "missing argument to repetition operator"; break;
    case RE2::ErrorRepeatSize: what = "invalid repeat count"; break;
    case RE2::ErrorRepeatOp: what = "invalid nested repetition operator"; break;
    case RE2::ErrorBadPerlOp: what = "invalid or unsupported Perl syntax"; break;
    case RE2::ErrorBadUTF8: what = "invalid UTF-8"; break;
    case RE2::ErrorBadNamedCapture: what = "invalid named capture"; break;
    case RE2::ErrorPatternTooLarge: what = "expression too large"; break;
    default: what = re.error(); break;
  }
  // Both parsers stop at the first problem from the left; `\C` is one only
  // for Go. Missing parentheses are found at the end.
  if (size_t c = AnyByteEscape(pattern); c != std::string_view::npos) {
    size_t at = re.ok() ? std::string::npos : pattern.find(re.error_arg());
    if (re.ok() || re.error_code() == RE2::ErrorMissingParen || at == std::string::npos || at > c) {
      return any_byte;
    }
  }
  return "error parsing regexp: " + std::string(what) + ": `" + re.error_arg() + "`";
}

}  // namespace

std::optional<double> Parser::NumberValue(const Token& t) {
  std::string s(t.val);
  // strconv.ParseInt(s, 0, 64) first: 0x hex, leading-0 octal, decimal.
  {
    int base = 10;
    size_t i = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16, i = 2;
    } else if (s.size() > 1 && s[0] == '0') {
      base = 8, i = 1;
    }
    bool ok = i < s.size();
    unsigned long long v = 0;
    for (; ok && i < s.size(); ++i) {
      int d = -1;
      char c = s[i];
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0 || d >= base) {
        ok = false;
        break;
      }
      if (v > (static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()) - d) / base) {
        ok = false;
        break;
      }
      v = v * base + d;
    }
    if (ok) return static_cast<double>(static_cast<int64_t>(v));
  }
  // Then strconv.ParseFloat: decimal with optional fraction and exponent,
  // or Inf/NaN (hex floats need a 'p' exponent the lexer never yields).
  auto fail = [&](std::string_view why) -> std::optional<double> {
    Fail(t.pos, "error parsing number: strconv.ParseFloat: parsing " + GoQuote(s) + ": " +
                    std::string(why));
    return std::nullopt;
  };
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") return std::numeric_limits<double>::infinity();
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return fail("invalid syntax");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return fail("invalid syntax");
  }
  if (i != s.size()) return fail("invalid syntax");
  double v = std::strtod(s.c_str(), nullptr);
  if (std::isinf(v)) return fail("value out of range");
  return v;
}

std::optional<int64_t> Parser::ParseDurationToken(const Token& t) {
  Result<int64_t> d = ParseDuration(t.val);
  if (!d.ok()) {
    Fail(t.pos, d.status().message());
    return std::nullopt;
  }
  if (*d == 0) {
    Fail(t.pos, "duration must be greater than 0");
    return std::nullopt;
  }
  return *d;
}

Result<std::vector<tsdb::Matcher>> Parser::ParseWholeSelector() {
  const Token& t = Peek();
  ExprPtr e;
  if (!failed()) {
    if (t.type == Tok::kLeftBrace) {
      e = ParseVectorSelector(nullptr);
    } else if (t.type == Tok::kIdentifier || t.type == Tok::kMetricIdentifier ||
               IsAggregatorTok(t.type) || t.type == Tok::kBy || t.type == Tok::kLand ||
               t.type == Tok::kLor || t.type == Tok::kLunless || t.type == Tok::kOffset ||
               t.type == Tok::kWithout || t.type == Tok::kStart || t.type == Tok::kEnd) {
      Token name = Take();
      e = ParseVectorSelector(&name);
    } else {
      Unexpected(t, "", "");
    }
  }
  if (!failed()) {
    const Token& end = Peek();
    if (!failed() && end.type != Tok::kEof) Unexpected(end, "", "");
  }
  if (failed()) return ErrorStatus();
  return e->As<VectorSelector>().matchers();
}

ExprPtr Parser::ParseVectorSelector(const Token* name) {
  std::vector<tsdb::Matcher> matchers;
  PosRange pos{name != nullptr ? name->pos : Peek().pos, name != nullptr ? name->end() : 0};
  if (name != nullptr) {
    // The name matcher goes first; Equals and String do not depend on it.
    Result<tsdb::Matcher> m =
        tsdb::Matcher::Make(tsdb::MatchType::kEqual, "__name__", std::string(name->val));
    matchers.push_back(std::move(*m));
  }
  if (Peek().type == Tok::kLeftBrace) {
    if (!ParseLabelMatchers(matchers)) return nullptr;
    pos.end = prev_end_;
  }
  if (failed()) return nullptr;
  return std::make_unique<VectorSelector>(name != nullptr ? std::string(name->val) : "",
                                          std::move(matchers), pos);
}

bool Parser::ParseLabelMatchers(std::vector<tsdb::Matcher>& out) {
  Take();  // {
  Token t = Peek();
  if (failed()) return false;
  if (t.type == Tok::kRightBrace) {
    Take();
    return true;
  }
  for (;;) {
    if (t.type != Tok::kIdentifier) {
      Unexpected(t, "label matching", "identifier or \"}\"");
      return false;
    }
    if (!ParseLabelMatcher(out)) return false;
    t = Peek();
    if (failed()) return false;
    if (t.type == Tok::kRightBrace) {
      Take();
      return true;
    }
    if (t.type != Tok::kComma) {
      Unexpected(t, "label matching", "\",\" or \"}\"");
      return false;
    }
    Take();
    t = Peek();
    if (failed()) return false;
    if (t.type == Tok::kRightBrace) {
      Take();
      return true;
    }
  }
}

bool Parser::ParseLabelMatcher(std::vector<tsdb::Matcher>& out) {
  Token label = Take();
  Token op = Peek();
  if (failed()) return false;
  tsdb::MatchType type;
  switch (op.type) {
    case Tok::kEql: type = tsdb::MatchType::kEqual; break;
    case Tok::kNeq: type = tsdb::MatchType::kNotEqual; break;
    case Tok::kEqlRegex: type = tsdb::MatchType::kRegexMatch; break;
    case Tok::kNeqRegex: type = tsdb::MatchType::kRegexNoMatch; break;
    default:
      Unexpected(op, "label matching", "label matching operator");
      return false;
  }
  Take();
  Token value = Peek();
  if (failed()) return false;
  if (value.type != Tok::kString) {
    Unexpected(value, "label matching", "string");
    return false;
  }
  Take();
  std::string v = UnquoteString(value.val);
  bool regex = type == tsdb::MatchType::kRegexMatch || type == tsdb::MatchType::kRegexNoMatch;
  Result<tsdb::Matcher> m =
      regex && HasAnyByteEscape(v) ? Result<tsdb::Matcher>(InvalidArgumentError("\\C"))
                                   : tsdb::Matcher::Make(type, std::string(label.val), v);
  if (!m.ok()) {
    Fail(label.pos, GoRegexError(v));
    return false;
  }
  out.push_back(std::move(*m));
  return true;
}

bool Parser::ParseGroupingLabels(std::vector<std::string>& out) {
  Token t = Peek();
  if (failed()) return false;
  if (t.type != Tok::kLeftParen) {
    Unexpected(t, "grouping opts", "\"(\"");
    return false;
  }
  Take();
  t = Peek();
  if (failed()) return false;
  if (t.type == Tok::kRightParen) {
    Take();
    return true;
  }
  for (;;) {
    if (!IsMaybeLabel(t.type) || !IsLabelName(t.val)) {
      Unexpected(t, "grouping opts", "label");
      return false;
    }
    Take();
    out.emplace_back(t.val);
    t = Peek();
    if (failed()) return false;
    if (t.type == Tok::kRightParen) {
      Take();
      return true;
    }
    if (t.type != Tok::kComma) {
      Unexpected(t, "grouping opts", "\",\" or \")\"");
      return false;
    }
    Take();
    t = Peek();
    if (failed()) return false;
    if (t.type == Tok::kRightParen) {
      Take();
      return true;
    }
  }
}

ExprPtr Parser::ParsePostfix(ExprPtr e) {
  for (;;) {
    Tok t = Peek().type;
    if (failed()) return nullptr;
    if (t == Tok::kLeftBracket) {
      e = ParseBracket(std::move(e));
    } else if (t == Tok::kOffset) {
      e = ParseOffset(std::move(e));
    } else if (t == Tok::kAt) {
      e = ParseAt(std::move(e));
    } else {
      return e;
    }
    if (failed()) return nullptr;
  }
}

ExprPtr Parser::ParseBracket(ExprPtr e) {
  Token open = Take();  // [
  Token dur = Peek();
  if (failed()) return nullptr;
  if (dur.type != Tok::kDuration) {
    Unexpected(dur, "subquery selector", "duration");
    return nullptr;
  }
  Take();
  std::optional<int64_t> range = ParseDurationToken(dur);
  if (!range) return nullptr;
  Token t = Peek();
  if (failed()) return nullptr;
  if (t.type == Tok::kRightBracket) {
    Take();
    const char* err = nullptr;
    if (!e->Is<VectorSelector>()) {
      err = "ranges only allowed for vector selectors";
    } else if (e->As<VectorSelector>().modifiers().offset_ms != 0) {
      err = "no offset modifiers allowed before range";
    } else if (e->As<VectorSelector>().modifiers().has_at()) {
      err = "no @ modifiers allowed before range";
    }
    if (err != nullptr) {
      Fail(open.pos, err);
      return nullptr;
    }
    PosRange pos{e->pos().start, last_closing_};
    std::unique_ptr<VectorSelector> vs(static_cast<VectorSelector*>(e.release()));
    return std::make_unique<MatrixSelector>(std::move(vs), *range, pos);
  }
  if (t.type != Tok::kColon) {
    Unexpected(t, "subquery or range", "\":\" or \"]\"");
    return nullptr;
  }
  Take();
  int64_t step = 0;
  t = Peek();
  if (failed()) return nullptr;
  if (t.type == Tok::kDuration) {
    Take();
    std::optional<int64_t> s = ParseDurationToken(t);
    if (!s) return nullptr;
    step = *s;
    t = Peek();
    if (failed()) return nullptr;
    if (t.type != Tok::kRightBracket) {
      Unexpected(t, "subquery selector", "\"]\"");
      return nullptr;
    }
  } else if (t.type != Tok::kRightBracket) {
    Unexpected(t, "subquery selector", "duration or \"]\"");
    return nullptr;
  }
  Take();
  if (!CheckDepth(depth_ + 1, e->pos().start)) return nullptr;
  ++depth_;
  PosRange pos{e->pos().start, last_closing_};
  return std::make_unique<SubqueryExpr>(std::move(e), *range, step, pos);
}

namespace {

// The modifiers an offset or @ applies to, or null.
TimeModifiers* ModifiersOf(Expr& e) {
  if (e.Is<VectorSelector>()) return &e.As<VectorSelector>().mutable_modifiers();
  if (e.Is<MatrixSelector>()) return &e.As<MatrixSelector>().mutable_selector().mutable_modifiers();
  if (e.Is<SubqueryExpr>()) return &e.As<SubqueryExpr>().mutable_modifiers();
  return nullptr;
}

}  // namespace

ExprPtr Parser::ParseOffset(ExprPtr e) {
  Take();  // offset
  Token t = Peek();
  if (failed()) return nullptr;
  bool negative = false;
  if (t.type == Tok::kSub) {
    Take();
    negative = true;
    t = Peek();
    if (failed()) return nullptr;
  }
  if (t.type != Tok::kDuration) {
    Unexpected(t, "offset", "duration");
    return nullptr;
  }
  Take();
  std::optional<int64_t> d = ParseDurationToken(t);
  if (!d) return nullptr;
  TimeModifiers* mods = ModifiersOf(*e);
  if (mods == nullptr) {
    Fail(e->pos().start,
         "offset modifier must be preceded by an instant vector selector or range vector "
         "selector or a subquery");
    return nullptr;
  }
  if (mods->offset_ms != 0) {
    Fail(e->pos().start, "offset may not be set multiple times");
    return nullptr;
  }
  mods->offset_ms = negative ? -*d : *d;
  e->set_pos({e->pos().start, last_closing_});
  return e;
}

ExprPtr Parser::ParseAt(ExprPtr e) {
  Take();  // @
  Token t = Peek();
  if (failed()) return nullptr;
  std::optional<double> ts;
  AtStartEnd se = AtStartEnd::kNone;
  if (t.type == Tok::kStart || t.type == Tok::kEnd) {
    Take();
    Token open = Peek();
    if (failed()) return nullptr;
    if (open.type != Tok::kLeftParen) {
      Unexpected(open, "@", "timestamp");
      return nullptr;
    }
    Take();
    Token close = Peek();
    if (failed()) return nullptr;
    if (close.type != Tok::kRightParen) {
      Unexpected(close, "@", "timestamp");
      return nullptr;
    }
    Take();
    se = t.type == Tok::kStart ? AtStartEnd::kStart : AtStartEnd::kEnd;
  } else {
    bool negative = false;
    if (t.type == Tok::kAdd || t.type == Tok::kSub) {
      Take();
      negative = t.type == Tok::kSub;
      t = Peek();
      if (failed()) return nullptr;
    }
    if (t.type != Tok::kNumber) {
      Unexpected(t, "@", "timestamp");
      return nullptr;
    }
    Take();
    ts = NumberValue(t);
    if (!ts) return nullptr;
    if (negative) *ts = -*ts;
    double v = *ts;
    if (std::isinf(v) || std::isnan(v) || v >= 9223372036854775807.0 ||
        v <= -9223372036854775808.0) {
      Fail(e->pos().start, "timestamp out of bounds for @ modifier: " + FormatGoFixed(v, 6));
      return nullptr;
    }
  }
  TimeModifiers* mods = ModifiersOf(*e);
  if (mods == nullptr) {
    Fail(e->pos().start,
         "@ modifier must be preceded by an instant vector selector or range vector selector or "
         "a subquery");
    return nullptr;
  }
  if (mods->has_at()) {
    Fail(e->pos().start, "@ <timestamp> may not be set multiple times");
    return nullptr;
  }
  if (ts) {
    // timestamp.FromFloatSeconds; out-of-range conversions give MinInt64 as
    // on amd64.
    double ms = std::round(*ts * 1000);
    mods->at_ms = (ms >= -9223372036854775808.0 && ms < 9223372036854775808.0)
                      ? static_cast<int64_t>(ms)
                      : std::numeric_limits<int64_t>::min();
  } else {
    mods->at_start_end = se;
  }
  e->set_pos({e->pos().start, last_closing_});
  return e;
}

}  // namespace pharos::promql::internal
