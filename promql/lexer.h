// Lexer: PromQL query text to tokens, with the states and error messages of
// Prometheus 2.42's lexer (promql/parser/lex.go).
//
// The lexer is pull-based: the parser asks for one token at a time with
// Next(). Comments are returned as kComment tokens; the parser skips them.
// After an error token every further call returns kEof.
//
// Thread-safety: a Lexer is used by one thread at a time.
#pragma once

#include <string>
#include <string_view>

namespace pharos::promql {

enum class Tok {
  kError,
  kEof,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kDuration,
  kString,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kEql,        // =
  kEqlRegex,   // =~
  kNeqRegex,   // !~
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,   // !=
  kGtr,
  kLss,
  kGte,
  kLte,
  kLand,
  kLor,
  kLunless,
  kAtan2,
  kAt,
  // Aggregators.
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kIgnoring,
  kOffset,
  kOn,
  kWithout,
  // `@` preprocessors.
  kStart,
  kEnd,
};

bool IsAggregatorTok(Tok t);

struct Token {
  Tok type = Tok::kEof;
  int pos = 0;           // byte offset of the first byte
  std::string_view val;  // the token's text; for kError, the message

  int end() const { return pos + static_cast<int>(val.size()); }
  // How Prometheus names the token in "unexpected ..." messages:
  // `identifier "x"`, `number "1"`, `"("`, `<op:+>`, `<aggr:sum>`, `<by>`,
  // `end of input`.
  std::string Describe() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  Token Next();

 private:
  enum class State { kStatements, kBraces, kDuration, kDone };

  int Peek() const;  // next rune or -1 at the end; does not consume
  int NextRune();    // consumes one rune; -1 at the end
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  Token Emit(Tok t);
  Token Error(std::string msg);

  Token LexStatements();
  Token LexInsideBraces();
  Token LexDuration();
  Token LexNumberOrDuration();
  Token LexKeywordOrIdentifier();
  Token LexString(int quote);
  Token LexRawString();
  Token LexComment();
  bool ScanNumber();
  bool AcceptRemainingDuration();
  void SkipSpaces();

  std::string_view input_;
  int pos_ = 0;
  int start_ = 0;
  int width_ = 0;
  State state_ = State::kStatements;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  std::string error_;  // backs the kError token's val
};

}  // namespace pharos::promql
