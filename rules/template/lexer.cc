// The states of text/template/parse/lex.go as one loop per state.
#include "rules/template/lexer.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "promql/string_escape.h"

namespace pharos::rules::tmpl {
namespace {

constexpr std::string_view kLeft = "{{";
constexpr std::string_view kRight = "}}";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(unsigned char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> Run() {
    while (LexText()) {
      if (!LexAction()) break;
    }
    return std::move(tokens_);
  }

 private:
  char At(size_t p) const { return p < in_.size() ? in_[p] : '\0'; }
  bool HasPrefix(size_t p, std::string_view s) const { return in_.substr(std::min(p, in_.size())).starts_with(s); }
  bool LeftTrim(size_t p) const { return p + 1 < in_.size() && in_[p] == '-' && IsSpace(in_[p + 1]); }
  bool RightTrim(size_t p) const { return p + 1 < in_.size() && IsSpace(in_[p]) && in_[p + 1] == '-'; }

  void Emit(TokenType type, size_t start, size_t end) {
    tokens_.push_back(Token{type, start, std::string(in_.substr(start, end - start)), line_});
    line_ += static_cast<int>(std::count(in_.begin() + start, in_.begin() + end, '\n'));
  }
  void Skip(size_t start, size_t end) {
    line_ += static_cast<int>(std::count(in_.begin() + start, in_.begin() + end, '\n'));
  }
  bool Error(std::string msg, size_t start) {
    tokens_.push_back(Token{TokenType::kError, start, std::move(msg), line_});
    return false;
  }

  // Text up to the next "{{"; returns false at the end of input.
  bool LexText() {
    size_t start = pos_;
    size_t x = in_.find(kLeft, pos_);
    if (x == std::string_view::npos) {
      if (pos_ < in_.size()) Emit(TokenType::kText, pos_, in_.size());
      tokens_.push_back(Token{TokenType::kEof, in_.size(), "", line_});
      return false;
    }
    size_t end = x;
    if (LeftTrim(x + kLeft.size())) {
      while (end > start && IsSpace(in_[end - 1])) --end;
    }
    if (end > start) Emit(TokenType::kText, start, end);
    Skip(end, x);
    pos_ = x;
    return true;
  }

  // After a right delimiter with a trim marker: skip leading spaces.
  void TrimAfter() {
    size_t s = pos_;
    while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
    Skip(s, pos_);
  }

  // At "}}" or " -}}": sets *trim.
  bool AtRightDelim(size_t p, bool* trim) const {
    if (RightTrim(p) && HasPrefix(p + 2, kRight)) {
      *trim = true;
      return true;
    }
    *trim = false;
    return HasPrefix(p, kRight);
  }

  bool AtTerminator(size_t p) const {
    char c = At(p);
    if (p >= in_.size() || IsSpace(c)) return true;
    switch (c) {
      case '.': case ',': case '|': case ':': case ')': case '(': return true;
      default: break;
    }
    return HasPrefix(p, kRight);
  }

  std::string BadChar(size_t p) const {
    int w = 1;
    int r = p < in_.size() ? promql::DecodeRune(in_, p, &w) : -1;
    return "bad character " + promql::GoRuneU(r);
  }

  bool LexAction() {
    const size_t delim = pos_;
    pos_ += kLeft.size();
    const bool trim = LeftTrim(pos_);
    size_t after = pos_ + (trim ? 2 : 0);
    if (HasPrefix(after, "/*")) {
      size_t close = in_.find("*/", after + 2);
      if (close == std::string_view::npos) return Error("unclosed comment", delim);
      size_t p = close + 2;
      bool rtrim = false;
      if (!AtRightDelim(p, &rtrim)) return Error("comment ends before closing delimiter", delim);
      p += (rtrim ? 2 : 0) + kRight.size();
      Skip(delim, p);
      pos_ = p;
      if (rtrim) TrimAfter();
      return true;
    }
    tokens_.push_back(Token{TokenType::kLeftDelim, delim, std::string(kLeft), line_});
    pos_ = after;
    int paren_depth = 0;
    for (;;) {
      bool rtrim = false;
      if (AtRightDelim(pos_, &rtrim)) {
        if (paren_depth != 0) return Error("unclosed left paren", pos_);
        if (rtrim) pos_ += 2;
        Emit(TokenType::kRightDelim, pos_, pos_ + kRight.size());
        pos_ += kRight.size();
        if (rtrim) TrimAfter();
        return true;
      }
      if (pos_ >= in_.size()) return Error("unclosed action", pos_);
      const size_t start = pos_;
      const char c = in_[pos_++];
      if (IsSpace(c)) {
        size_t n = 1;
        while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_, ++n;
        // A space before "-}}" belongs to the delimiter.
        if (RightTrim(pos_ - 1) && HasPrefix(pos_ + 1, kRight)) {
          --pos_;
          if (n == 1) continue;
        }
        Emit(TokenType::kSpace, start, pos_);
        continue;
      }
      switch (c) {
        case '=': Emit(TokenType::kAssign, start, pos_); continue;
        case ':':
          if (At(pos_) != '=') return Error("expected :=", start);
          ++pos_;
          Emit(TokenType::kDeclare, start, pos_);
          continue;
        case '|': Emit(TokenType::kPipe, start, pos_); continue;
        case '"':
        case '\'': {
          for (;;) {
            char d = At(pos_);
            if (pos_ >= in_.size() || d == '\n') {
              return Error(c == '"' ? "unterminated quoted string" : "unterminated character constant", start);
            }
            ++pos_;
            if (d == '\\') {
              if (pos_ >= in_.size() || in_[pos_] == '\n') {
                return Error(c == '"' ? "unterminated quoted string" : "unterminated character constant", start);
              }
              ++pos_;
            } else if (d == c) {
              break;
            }
          }
          Emit(c == '"' ? TokenType::kString : TokenType::kCharConstant, start, pos_);
          continue;
        }
        case '`': {
          size_t close = in_.find('`', pos_);
          if (close == std::string_view::npos) return Error("unterminated raw quoted string", start);
          pos_ = close + 1;
          Emit(TokenType::kRawString, start, pos_);
          continue;
        }
        case '$':
        case '.': {
          if (c == '.' && pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') break;  // number
          if (AtTerminator(pos_)) {
            Emit(c == '$' ? TokenType::kVariable : TokenType::kDot, start, pos_);
            continue;
          }
          while (pos_ < in_.size() && IsAlnum(in_[pos_])) ++pos_;
          if (!AtTerminator(pos_)) return Error(BadChar(pos_), start);
          Emit(c == '$' ? TokenType::kVariable : TokenType::kField, start, pos_);
          continue;
        }
        case '(':
          Emit(TokenType::kLeftParen, start, pos_);
          ++paren_depth;
          continue;
        case ')':
          Emit(TokenType::kRightParen, start, pos_);
          if (--paren_depth < 0) return Error("unexpected right paren", start);
          continue;
        default: break;
      }
      if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        pos_ = start;
        if (!LexNumber()) {
          return Error("bad number syntax: " + promql::GoQuote(in_.substr(start, pos_ - start)), start);
        }
        Emit(TokenType::kNumber, start, pos_);
        continue;
      }
      if (IsAlnum(static_cast<unsigned char>(c))) {
        while (pos_ < in_.size() && IsAlnum(in_[pos_])) ++pos_;
        if (!AtTerminator(pos_)) return Error(BadChar(pos_), start);
        std::string_view word = in_.substr(start, pos_ - start);
        static const std::unordered_map<std::string_view, TokenType> kKeywords = {
            {"block", TokenType::kBlock}, {"break", TokenType::kBreak},
            {"continue", TokenType::kContinue}, {"define", TokenType::kDefine},
            {"else", TokenType::kElse}, {"end", TokenType::kEnd}, {"if", TokenType::kIf},
            {"range", TokenType::kRange}, {"nil", TokenType::kNil},
            {"template", TokenType::kTemplate}, {"with", TokenType::kWith}};
        auto it = kKeywords.find(word);
        TokenType t = it != kKeywords.end()       ? it->second
                      : word == "true" || word == "false" ? TokenType::kBool
                                                          : TokenType::kIdentifier;
        Emit(t, start, pos_);
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x80 && c >= 0x20 && c < 0x7f) {
        Emit(TokenType::kChar, start, pos_);
        continue;
      }
      pos_ = start;
      int w = 1;
      int r = promql::DecodeRune(in_, start, &w);
      return Error("unrecognized character in action: " + promql::GoRuneU(r), start);
    }
  }

  // Go's scanNumber, without complex numbers.
  bool LexNumber() {
    if (At(pos_) == '+' || At(pos_) == '-') ++pos_;
    std::string_view digits = "0123456789_";
    if (At(pos_) == '0' && std::string_view("xXoObB").find(At(pos_ + 1)) != std::string_view::npos &&
        At(pos_ + 1) != '\0') {
      char p = At(pos_ + 1);
      pos_ += 2;
      digits = (p == 'x' || p == 'X') ? "0123456789abcdefABCDEF_" : (p == 'o' || p == 'O') ? "01234567_" : "01_";
    }
    auto run = [&](std::string_view set) {
      while (pos_ < in_.size() && set.find(in_[pos_]) != std::string_view::npos) ++pos_;
    };
    run(digits);
    if (At(pos_) == '.') {
      ++pos_;
      run(digits);
    }
    if (digits.size() == 11 && (At(pos_) == 'e' || At(pos_) == 'E')) {
      ++pos_;
      if (At(pos_) == '+' || At(pos_) == '-') ++pos_;
      run("0123456789_");
    }
    if (digits.size() == 23 && (At(pos_) == 'p' || At(pos_) == 'P')) {
      ++pos_;
      if (At(pos_) == '+' || At(pos_) == '-') ++pos_;
      run("0123456789_");
    }
    if (At(pos_) == 'i') ++pos_;
    if (pos_ < in_.size() && IsAlnum(in_[pos_])) {
      ++pos_;
      return false;
    }
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::string TokenString(const Token& t) {
  switch (t.type) {
    case TokenType::kEof: return "EOF";
    case TokenType::kError: return t.val;
    case TokenType::kBlock: case TokenType::kBreak: case TokenType::kContinue:
    case TokenType::kDefine: case TokenType::kElse: case TokenType::kEnd: case TokenType::kIf:
    case TokenType::kRange: case TokenType::kTemplate: case TokenType::kWith:
    case TokenType::kDot: case TokenType::kNil:
      return "<" + t.val + ">";
    default: break;
  }
  if (t.val.size() > 10) return promql::GoQuote(t.val.substr(0, 10)) + "...";
  return promql::GoQuote(t.val);
}

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace pharos::rules::tmpl
