#include "promql/lexer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "promql/string_escape.h"

namespace pharos::promql {
namespace {

constexpr int kEofRune = -1;

bool IsAlpha(int r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsDigit(int r) { return r >= '0' && r <= '9'; }
bool IsAlphaNumeric(int r) { return IsAlpha(r) || IsDigit(r); }
bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }

struct Keyword {
  std::string_view word;
  Tok tok;
};

// Matched case-insensitively, as Prometheus lower-cases words first.
constexpr Keyword kKeywords[] = {
    {"and", Tok::kLand},         {"or", Tok::kLor},
    {"unless", Tok::kLunless},   {"atan2", Tok::kAtan2},
    {"sum", Tok::kSum},          {"avg", Tok::kAvg},
    {"count", Tok::kCount},      {"min", Tok::kMin},
    {"max", Tok::kMax},          {"group", Tok::kGroup},
    {"stddev", Tok::kStddev},    {"stdvar", Tok::kStdvar},
    {"topk", Tok::kTopk},        {"bottomk", Tok::kBottomk},
    {"count_values", Tok::kCountValues}, {"quantile", Tok::kQuantile},
    {"offset", Tok::kOffset},    {"by", Tok::kBy},
    {"without", Tok::kWithout},  {"on", Tok::kOn},
    {"ignoring", Tok::kIgnoring}, {"group_left", Tok::kGroupLeft},
    {"group_right", Tok::kGroupRight}, {"bool", Tok::kBool},
    {"start", Tok::kStart},      {"end", Tok::kEnd},
    {"inf", Tok::kNumber},       {"nan", Tok::kNumber},
};

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != lower[i]) return false;
  }
  return true;
}

const char* FixedText(Tok t) {
  switch (t) {
    case Tok::kLeftParen: return "(";
    case Tok::kRightParen: return ")";
    case Tok::kLeftBrace: return "{";
    case Tok::kRightBrace: return "}";
    case Tok::kLeftBracket: return "[";
    case Tok::kRightBracket: return "]";
    case Tok::kComma: return ",";
    case Tok::kEql: return "=";
    case Tok::kColon: return ":";
    default: return nullptr;
  }
}

bool IsOperatorTok(Tok t) { return t >= Tok::kAdd && t <= Tok::kAt; }
bool IsKeywordTok(Tok t) { return t >= Tok::kBool && t <= Tok::kWithout; }

// Go's %q with a precision of 10: the first 10 runes, quoted.
std::string QuoteTruncated(std::string_view s) {
  size_t i = 0;
  for (int n = 0; n < 10 && i < s.size(); ++n) {
    int w;
    DecodeRune(s, i, &w);
    i += w;
  }
  return GoQuote(s.substr(0, i));
}

}  // namespace

bool IsAggregatorTok(Tok t) { return t >= Tok::kSum && t <= Tok::kQuantile; }

std::string Token::Describe() const {
  switch (type) {
    case Tok::kEof: return "end of input";
    case Tok::kError: return std::string(val);
    case Tok::kIdentifier: return "identifier " + GoQuote(val);
    case Tok::kMetricIdentifier: return "metric identifier " + GoQuote(val);
    case Tok::kAt: return "\"<Item 57385>\" <op:@>";  // Prometheus 2.42 has no name for `@`
    default: break;
  }
  if (IsOperatorTok(type) || type == Tok::kEqlRegex || type == Tok::kNeqRegex) {
    // =~ and !~ are operators in Prometheus' token table too.
    return "<op:" + std::string(val) + ">";
  }
  if (IsAggregatorTok(type)) return "<aggr:" + std::string(val) + ">";
  if (IsKeywordTok(type)) return "<" + std::string(val) + ">";
  if (FixedText(type) != nullptr || type == Tok::kStart || type == Tok::kEnd) {
    return GoQuote(val);
  }
  std::string kind;
  switch (type) {
    case Tok::kNumber: kind = "number "; break;
    case Tok::kDuration: kind = "duration "; break;
    case Tok::kString: kind = "string "; break;
    default: kind = "comment "; break;
  }
  if (val.size() > 10) return kind + QuoteTruncated(val) + "...";
  return kind + GoQuote(val);
}

int Lexer::Peek() const {
  if (pos_ >= static_cast<int>(input_.size())) return kEofRune;
  int w;
  return DecodeRune(input_, pos_, &w);
}

int Lexer::NextRune() {
  if (pos_ >= static_cast<int>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  int r = DecodeRune(input_, pos_, &width_);
  pos_ += width_;
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  int r = NextRune();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Token Lexer::Emit(Tok t) {
  Token tok{t, start_, input_.substr(start_, pos_ - start_)};
  start_ = pos_;
  return tok;
}

Token Lexer::Error(std::string msg) {
  error_ = std::move(msg);
  state_ = State::kDone;
  return Token{Tok::kError, start_, error_};
}

void Lexer::SkipSpaces() {
  while (IsSpace(Peek())) NextRune();
  start_ = pos_;
}

Token Lexer::Next() {
  for (;;) {
    switch (state_) {
      case State::kDone:
        start_ = pos_;
        return Token{Tok::kEof, pos_, {}};
      case State::kDuration:
        state_ = State::kStatements;
        return LexDuration();
      case State::kBraces:
      case State::kStatements:
        break;
    }
    if (input_.compare(pos_, 1, "#") == 0) return LexComment();
    if (brace_open_) {
      if (IsSpace(Peek())) {
        SkipSpaces();
        continue;
      }
      return LexInsideBraces();
    }
    return LexStatements();
  }
}

Token Lexer::LexComment() {
  ++pos_;
  for (int r = NextRune(); r != '\r' && r != '\n' && r != kEofRune; r = NextRune()) {
  }
  Backup();
  return Emit(Tok::kComment);
}

Token Lexer::LexStatements() {
  for (;;) {
    if (input_.compare(pos_, 1, "#") == 0) return LexComment();
    int r = NextRune();
    if (r == kEofRune) {
      if (paren_depth_ != 0) return Error("unclosed left parenthesis");
      if (bracket_open_) return Error("unclosed left bracket");
      state_ = State::kDone;
      return Emit(Tok::kEof);
    }
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    switch (r) {
      case ',': return Emit(Tok::kComma);
      case '*': return Emit(Tok::kMul);
      case '/': return Emit(Tok::kDiv);
      case '%': return Emit(Tok::kMod);
      case '+': return Emit(Tok::kAdd);
      case '-': return Emit(Tok::kSub);
      case '^': return Emit(Tok::kPow);
      case '@': return Emit(Tok::kAt);
      case '=': {
        int t = Peek();
        if (t == '=') {
          NextRune();
          return Emit(Tok::kEqlc);
        }
        if (t == '~') return Error("unexpected character after '=': " + GoQuoteRune(t));
        return Emit(Tok::kEql);
      }
      case '!': {
        int t = NextRune();
        if (t != '=') return Error("unexpected character after '!': " + GoQuoteRune(t));
        return Emit(Tok::kNeq);
      }
      case '<':
        if (Peek() == '=') {
          NextRune();
          return Emit(Tok::kLte);
        }
        return Emit(Tok::kLss);
      case '>':
        if (Peek() == '=') {
          NextRune();
          return Emit(Tok::kGte);
        }
        return Emit(Tok::kGtr);
      case '"':
      case '\'':
        return LexString(r);
      case '`':
        return LexRawString();
      case '(':
        ++paren_depth_;
        return Emit(Tok::kLeftParen);
      case ')': {
        Token t = Emit(Tok::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right parenthesis ')'");
        return t;
      }
      case '{':
        brace_open_ = true;
        return Emit(Tok::kLeftBrace);
      case '[': {
        if (bracket_open_) return Error("unexpected left bracket '['");
        got_colon_ = false;
        Token t = Emit(Tok::kLeftBracket);
        SkipSpaces();
        bracket_open_ = true;
        state_ = State::kDuration;
        return t;
      }
      case ']':
        if (!bracket_open_) return Error("unexpected right bracket ']'");
        bracket_open_ = false;
        return Emit(Tok::kRightBracket);
      default:
        break;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexKeywordOrIdentifier();
      }
      // Inside brackets any letter stands for the subquery colon, as in
      // Prometheus 2.42 (`x[5m a]` is `x[5m:]`).
      if (got_colon_) return Error("unexpected colon " + GoQuoteRune(r));
      got_colon_ = true;
      return Emit(Tok::kColon);
    }
    return Error("unexpected character: " + GoQuoteRune(r));
  }
}

Token Lexer::LexInsideBraces() {
  int r = NextRune();
  if (r == kEofRune) return Error("unexpected end of input inside braces");
  if (IsAlpha(r)) {
    while (IsAlphaNumeric(NextRune())) {
    }
    Backup();
    return Emit(Tok::kIdentifier);
  }
  switch (r) {
    case ',': return Emit(Tok::kComma);
    case '"':
    case '\'':
      return LexString(r);
    case '`':
      return LexRawString();
    case '=':
      if (NextRune() == '~') return Emit(Tok::kEqlRegex);
      Backup();
      return Emit(Tok::kEql);
    case '!': {
      int nr = NextRune();
      if (nr == '~') return Emit(Tok::kNeqRegex);
      if (nr == '=') return Emit(Tok::kNeq);
      return Error("unexpected character after '!' inside braces: " + GoQuoteRune(nr));
    }
    case '{':
      return Error("unexpected left brace '{'");
    case '}':
      brace_open_ = false;
      return Emit(Tok::kRightBrace);
    default:
      return Error("unexpected character inside braces: " + GoQuoteRune(r));
  }
}

Token Lexer::LexDuration() {
  if (ScanNumber()) return Error("missing unit character in duration");
  if (!AcceptRemainingDuration()) {
    return Error("bad duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
  }
  Backup();
  return Emit(Tok::kDuration);
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Emit(Tok::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();
    return Emit(Tok::kDuration);
  }
  return Error("bad number or duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
}

bool Lexer::ScanNumber() {
  std::string_view digits = "0123456789";
  if (Accept("0") && Accept("xX")) digits = "0123456789abcdefABCDEF";
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789");
  }
  return !IsAlphaNumeric(Peek());
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // ms; bad units like "hs" fail later in ParseDuration
  while (Accept("0123456789")) {
    AcceptRun("0123456789");
    if (!Accept("smhdw")) return false;
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

Token Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    int r = NextRune();
    if (!(IsAlphaNumeric(r) || r == ':')) break;
  }
  Backup();
  std::string_view word = input_.substr(start_, pos_ - start_);
  for (const Keyword& kw : kKeywords) {
    if (EqualsLower(word, kw.word)) return Emit(kw.tok);
  }
  if (word.find(':') == std::string_view::npos) return Emit(Tok::kIdentifier);
  return Emit(Tok::kMetricIdentifier);
}

Token Lexer::LexString(int quote) {
  for (;;) {
    int r = NextRune();
    if (r == '\\') {
      int ch = NextRune();
      int n = 0, base = 0, max = 0;
      switch (ch) {
        case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
          continue;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
          n = 3, base = 8, max = 255;
          break;
        case 'x':
          ch = NextRune(), n = 2, base = 16, max = 255;
          break;
        case 'u':
          ch = NextRune(), n = 4, base = 16, max = 0x10FFFF;
          break;
        case 'U':
          ch = NextRune(), n = 8, base = 16, max = 0x10FFFF;
          break;
        case kEofRune:
          return Error("escape sequence not terminated");
        default:
          if (ch == quote) continue;
          return Error("unknown escape sequence " + GoRuneU(ch));
      }
      long long x = 0;
      while (n > 0) {
        int d = 16;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        if (d >= base) {
          if (ch == kEofRune) return Error("escape sequence not terminated");
          return Error("illegal character " + GoRuneU(ch) + " in escape sequence");
        }
        x = x * base + d;
        if (--n > 0) ch = NextRune();
      }
      if (x > max || (x >= 0xD800 && x < 0xE000)) {
        return Error("escape sequence is an invalid Unicode code point");
      }
      continue;
    }
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == quote) return Emit(Tok::kString);
  }
}

Token Lexer::LexRawString() {
  for (;;) {
    int r = NextRune();
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune) return Error("unterminated raw string");
    if (r == '`') return Emit(Tok::kString);
  }
}

}  // namespace pharos::promql
