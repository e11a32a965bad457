// Lexer: splits Go text/template source into tokens, as text/template/parse's
// lexer does: text, `{{` `}}` with `-` trim markers, comments, and the
// tokens inside actions (fields, variables, strings, numbers, keywords).
// A lexing error becomes a kError token carrying Go's message, after which
// the token stream ends.
//
// Thread-safety: free function without shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pharos::rules::tmpl {

enum class TokenType {
  kError, kEof, kText, kLeftDelim, kRightDelim, kSpace, kChar, kBool, kCharConstant,
  kNumber, kString, kRawString, kIdentifier, kField, kVariable, kDot, kNil, kPipe,
  kLeftParen, kRightParen, kAssign, kDeclare,
  // Keywords.
  kBlock, kBreak, kContinue, kDefine, kElse, kEnd, kIf, kRange, kTemplate, kWith,
};

struct Token {
  TokenType type = TokenType::kEof;
  size_t pos = 0;   // byte offset of the token in the source
  std::string val;  // the token's text, or the error message
  int line = 1;     // line of the token's start, 1-based
};

// Go's item.String(), used in "unexpected X in Y" messages: EOF, the error
// text, "<if>" for keywords, the quoted text otherwise (cut after 10 bytes).
std::string TokenString(const Token& t);

// Lexes `text`; the last token is kEof or kError.
std::vector<Token> Lex(std::string_view text);

}  // namespace pharos::rules::tmpl
