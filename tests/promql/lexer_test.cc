// Lexer tests: token kinds, the lexer's state (braces, brackets) and how
// tokens are named in "unexpected ..." messages.
#include "promql/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace pharos::promql {
namespace {

std::vector<Tok> Kinds(std::string_view q) {
  Lexer l(q);
  std::vector<Tok> out;
  for (;;) {
    Token t = l.Next();
    out.push_back(t.type);
    if (t.type == Tok::kEof || t.type == Tok::kError) return out;
  }
}

TEST(Lexer, NumbersDurationsAndWords) {
  EXPECT_EQ(Kinds("0x1f .5 5. 1e-3 Inf nan"),
            (std::vector<Tok>{Tok::kNumber, Tok::kNumber, Tok::kNumber, Tok::kNumber,
                              Tok::kNumber, Tok::kNumber, Tok::kEof}));
  EXPECT_EQ(Kinds("x offset 1h30m"),
            (std::vector<Tok>{Tok::kIdentifier, Tok::kOffset, Tok::kDuration, Tok::kEof}));
  EXPECT_EQ(Kinds("a:b SUM by"),
            (std::vector<Tok>{Tok::kMetricIdentifier, Tok::kSum, Tok::kBy, Tok::kEof}));
}

TEST(Lexer, KeywordsInsideBracesAreIdentifiers) {
  EXPECT_EQ(Kinds("{by=\"a\",on!~'b'}"),
            (std::vector<Tok>{Tok::kLeftBrace, Tok::kIdentifier, Tok::kEql, Tok::kString,
                              Tok::kComma, Tok::kIdentifier, Tok::kNeqRegex, Tok::kString,
                              Tok::kRightBrace, Tok::kEof}));
}

TEST(Lexer, BracketsHoldDurations) {
  EXPECT_EQ(Kinds("x[5m:1m]"),
            (std::vector<Tok>{Tok::kIdentifier, Tok::kLeftBracket, Tok::kDuration, Tok::kColon,
                              Tok::kDuration, Tok::kRightBracket, Tok::kEof}));
  Lexer l("x[5]");
  l.Next();
  l.Next();
  Token t = l.Next();
  EXPECT_EQ(t.type, Tok::kError);
  EXPECT_EQ(t.val, "missing unit character in duration");
  EXPECT_EQ(t.pos, 2);
}

TEST(Lexer, CommentsAndErrors) {
  EXPECT_EQ(Kinds("a # b\n+ c"), (std::vector<Tok>{Tok::kIdentifier, Tok::kComment, Tok::kAdd,
                                                    Tok::kIdentifier, Tok::kEof}));
  Lexer l("\"a\\q\"");
  Token t = l.Next();
  EXPECT_EQ(t.type, Tok::kError);
  EXPECT_EQ(t.val, "unknown escape sequence U+0071 'q'");
  EXPECT_EQ(Lexer("(").Next().type, Tok::kLeftParen);
}

TEST(Lexer, DescribesTokensLikePrometheus) {
  auto describe = [](std::string_view q) { return Lexer(q).Next().Describe(); };
  EXPECT_EQ(describe("foo"), "identifier \"foo\"");
  EXPECT_EQ(describe("a:b"), "metric identifier \"a:b\"");
  EXPECT_EQ(describe("1234567890123"), "number \"1234567890\"...");
  EXPECT_EQ(describe("\"s\""), "string \"\\\"s\\\"\"");
  EXPECT_EQ(describe("+"), "<op:+>");
  EXPECT_EQ(describe("sum"), "<aggr:sum>");
  EXPECT_EQ(describe("by"), "<by>");
  EXPECT_EQ(describe("("), "\"(\"");
  EXPECT_EQ(describe(""), "end of input");
}

}  // namespace
}  // namespace pharos::promql
