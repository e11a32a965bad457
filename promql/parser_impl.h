// The parser's internals, shared by parser*.cc. Not part of the API.
//
// A hand-written recursive-descent parser with precedence climbing that
// reproduces Prometheus 2.42's yacc grammar: the same trees, the same first
// error (syntax errors and errors raised while building nodes in the order
// the yacc parser meets them; type errors only for trees that parsed), the
// same message texts and positions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promql/ast/ast.h"
#include "promql/lexer.h"
#include "tsdb/matcher.h"
#include "tsdb/status.h"

namespace pharos::promql::internal {

// Deeper trees are rejected: printing, comparing and freeing them recurse.
constexpr int kMaxDepth = 1000;

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input), lexer_(input) {}

  Result<ExprPtr> ParseWholeExpr();
  Result<std::vector<tsdb::Matcher>> ParseWholeSelector();

 private:
  // --- tokens (parser.cc)
  const Token& Peek();
  Token Take();
  bool failed() const { return error_.has_value(); }
  // Records the first error only.
  void Fail(int pos, std::string msg);
  // "unexpected <token> [in <context>][, expected <expected>]".
  void Unexpected(const Token& t, std::string_view context, std::string_view expected);
  // Unexpected in expression position: the context is the innermost
  // aggregation being parsed, as in yacc's error recovery.
  void UnexpectedInExpr(const Token& t);
  Status ErrorStatus() const;

  // --- expressions (parser.cc)
  ExprPtr ParseBinary(int min_prec);
  ExprPtr ParseUnary();
  ExprPtr ParsePrimary();
  ExprPtr ParseParen();
  ExprPtr ParseNumber(const Token& t);
  ExprPtr ParseCall(const Token& name);
  ExprPtr ParseAggregate(const Token& op);
  // `( args )` of a call or aggregation; false on error.
  bool ParseArgs(std::vector<ExprPtr>& args);
  bool ParseBinModifiers(BinaryExpr& b);

  // --- selectors and modifiers (parser_selectors.cc)
  ExprPtr ParseVectorSelector(const Token* name);
  bool ParseLabelMatchers(std::vector<tsdb::Matcher>& out);
  bool ParseLabelMatcher(std::vector<tsdb::Matcher>& out);
  // `( a, b )` after by/without/on/ignoring/group_x.
  bool ParseGroupingLabels(std::vector<std::string>& out);
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParseBracket(ExprPtr e);
  ExprPtr ParseOffset(ExprPtr e);
  ExprPtr ParseAt(ExprPtr e);
  std::optional<int64_t> ParseDurationToken(const Token& t);
  std::optional<double> NumberValue(const Token& t);

  // --- type checks (parser_checks.cc)
  ValueType Check(const Expr& e);
  void CheckExpect(const Expr& e, ValueType want, std::string_view context);
  void CheckBinary(const BinaryExpr& b);
  void CheckCall(const Call& c);
  void CheckVectorSelector(const VectorSelector& v);
  PosRange OpRange(const BinaryExpr& b) const;

  // Depth bookkeeping: every Parse* that returns a node sets depth_ to the
  // node's tree depth.
  bool CheckDepth(int depth, int pos);

  std::string_view input_;
  Lexer lexer_;
  Token peeked_;
  bool has_peeked_ = false;
  int last_closing_ = 0;  // end of the last ) ] } number or duration token
  int prev_end_ = 0;      // end of the last token taken
  int depth_ = 0;
  int nesting_ = 0;       // recursion depth of ParseUnary
  int aggregations_ = 0;  // aggregations being parsed (error context)
  std::optional<std::pair<int, std::string>> error_;
};

}  // namespace pharos::promql::internal
