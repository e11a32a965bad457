// Expressions: precedence climbing over Prometheus' operator table, unary
// signs, parentheses, function calls and aggregations.
#include "promql/parser.h"

#include <cmath>

#include "promql/function_table.h"
#include "promql/parser_impl.h"
#include "promql/string_escape.h"

namespace pharos::promql {
namespace internal {
namespace {

std::optional<BinaryOp> BinaryOpFor(Tok t) {
  switch (t) {
    case Tok::kAdd: return BinaryOp::kAdd;
    case Tok::kSub: return BinaryOp::kSub;
    case Tok::kMul: return BinaryOp::kMul;
    case Tok::kDiv: return BinaryOp::kDiv;
    case Tok::kMod: return BinaryOp::kMod;
    case Tok::kPow: return BinaryOp::kPow;
    case Tok::kAtan2: return BinaryOp::kAtan2;
    case Tok::kEqlc: return BinaryOp::kEql;
    case Tok::kNeq: return BinaryOp::kNeq;
    case Tok::kGtr: return BinaryOp::kGtr;
    case Tok::kLss: return BinaryOp::kLss;
    case Tok::kGte: return BinaryOp::kGte;
    case Tok::kLte: return BinaryOp::kLte;
    case Tok::kLand: return BinaryOp::kAnd;
    case Tok::kLor: return BinaryOp::kOr;
    case Tok::kLunless: return BinaryOp::kUnless;
    default: return std::nullopt;
  }
}

// Keywords that the grammar also accepts as metric names.
bool IsMetricKeyword(Tok t) {
  return IsAggregatorTok(t) || t == Tok::kBy || t == Tok::kLand || t == Tok::kLor ||
         t == Tok::kLunless || t == Tok::kOffset || t == Tok::kWithout || t == Tok::kStart ||
         t == Tok::kEnd;
}

bool CanStartExpr(Tok t) {
  switch (t) {
    case Tok::kNumber:
    case Tok::kString:
    case Tok::kLeftParen:
    case Tok::kLeftBrace:
    case Tok::kIdentifier:
    case Tok::kMetricIdentifier:
    case Tok::kAdd:
    case Tok::kSub:
      return true;
    default:
      return IsMetricKeyword(t);
  }
}

AggregateOp AggregateOpFor(Tok t) {
  return static_cast<AggregateOp>(static_cast<int>(t) - static_cast<int>(Tok::kSum));
}

}  // namespace

const Token& Parser::Peek() {
  if (!has_peeked_) {
    do {
      peeked_ = lexer_.Next();
    } while (peeked_.type == Tok::kComment);
    has_peeked_ = true;
    if (peeked_.type == Tok::kError) Fail(peeked_.pos, std::string(peeked_.val));
  }
  return peeked_;
}

Token Parser::Take() {
  Token t = Peek();
  has_peeked_ = false;
  prev_end_ = t.end();
  switch (t.type) {
    case Tok::kRightBrace:
    case Tok::kRightParen:
    case Tok::kRightBracket:
    case Tok::kDuration:
    case Tok::kNumber:
      last_closing_ = t.end();
      break;
    default:
      break;
  }
  return t;
}

void Parser::Fail(int pos, std::string msg) {
  if (!error_) error_.emplace(pos, std::move(msg));
}

void Parser::Unexpected(const Token& t, std::string_view context, std::string_view expected) {
  if (t.type == Tok::kError) return;  // the lexer's message is already recorded
  std::string msg = "unexpected " + t.Describe();
  if (!context.empty()) msg += " in " + std::string(context);
  if (!expected.empty()) msg += ", expected " + std::string(expected);
  Fail(t.pos, std::move(msg));
}

void Parser::UnexpectedInExpr(const Token& t) {
  Unexpected(t, aggregations_ > 0 ? "aggregation" : "", "");
}

Status Parser::ErrorStatus() const {
  int pos = error_->first;
  std::string prefix;
  if (pos < 0 || pos > static_cast<int>(input_.size())) {
    prefix = "invalid position:";
  } else {
    int line = 1;
    int last_break = -1;
    for (int i = 0; i < pos; ++i) {
      if (input_[i] == '\n') {
        last_break = i;
        ++line;
      }
    }
    prefix = std::to_string(line) + ":" + std::to_string(pos - last_break) + ":";
  }
  return InvalidArgumentError(prefix + " parse error: " + error_->second);
}

bool Parser::CheckDepth(int depth, int pos) {
  if (depth <= kMaxDepth) return true;
  Fail(pos, "query nests too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
  return false;
}

Result<ExprPtr> Parser::ParseWholeExpr() {
  if (Peek().type == Tok::kEof) {
    Fail(0, "no expression found in input");
    return ErrorStatus();
  }
  ExprPtr e = ParseBinary(0);
  if (!failed()) {
    const Token& t = Peek();
    if (t.type != Tok::kEof) Unexpected(t, "", "");
  }
  if (failed()) return ErrorStatus();
  Check(*e);
  if (failed()) return ErrorStatus();
  return e;
}

ExprPtr Parser::ParseBinary(int min_prec) {
  ExprPtr lhs = ParseUnary();
  if (failed()) return nullptr;
  int lhs_depth = depth_;
  for (;;) {
    std::optional<BinaryOp> op = BinaryOpFor(Peek().type);
    if (failed() || !op || Precedence(*op) < min_prec) break;
    Take();
    auto b = std::make_unique<BinaryExpr>(*op, nullptr, nullptr, PosRange{});
    if (!ParseBinModifiers(*b)) return nullptr;
    int next_min = IsRightAssociative(*op) ? Precedence(*op) : Precedence(*op) + 1;
    // Right-associative chains (`a ^ b ^ c ...`) recurse here.
    if (++nesting_ > kMaxDepth) {
      CheckDepth(nesting_, lhs->pos().start);
      return nullptr;
    }
    ExprPtr rhs = ParseBinary(next_min);
    --nesting_;
    if (failed()) return nullptr;
    int depth = std::max(lhs_depth, depth_) + 1;
    if (!CheckDepth(depth, lhs->pos().start)) return nullptr;
    PosRange pos{lhs->pos().start, rhs->pos().end};
    auto built = std::make_unique<BinaryExpr>(*op, std::move(lhs), std::move(rhs), pos);
    built->set_return_bool(b->return_bool());
    built->set_matching(b->matching());
    lhs = std::move(built);
    lhs_depth = depth;
  }
  depth_ = lhs_depth;
  return lhs;
}

bool Parser::ParseBinModifiers(BinaryExpr& b) {
  // Every binary expression starts out one-to-one; the type check drops the
  // matching unless both sides are instant vectors.
  VectorMatching vm;
  if (Peek().type == Tok::kBool) {
    Take();
    b.set_return_bool(true);
  }
  Tok t = Peek().type;
  if (t == Tok::kOn || t == Tok::kIgnoring) {
    Take();
    vm.on = t == Tok::kOn;
    if (!ParseGroupingLabels(vm.matching_labels)) return false;
    t = Peek().type;
    if (t == Tok::kGroupLeft || t == Tok::kGroupRight) {
      Take();
      vm.card = t == Tok::kGroupLeft ? VectorMatchCardinality::kManyToOne
                                     : VectorMatchCardinality::kOneToMany;
      // The label list is optional, but a token that can neither open it
      // nor start the right-hand side is reported against the list.
      const Token& next = Peek();
      if (failed()) return false;
      if ((next.type == Tok::kLeftParen || !CanStartExpr(next.type)) &&
          !ParseGroupingLabels(vm.include)) {
        return false;
      }
    }
  }
  b.set_matching(std::move(vm));
  return !failed();
}

ExprPtr Parser::ParseUnary() {
  const Token& t = Peek();
  if (failed()) return nullptr;
  if (t.type != Tok::kAdd && t.type != Tok::kSub) return ParsePrimary();
  Token op = Take();
  if (++nesting_ > kMaxDepth) {
    CheckDepth(nesting_, op.pos);
    return nullptr;
  }
  // The operand binds only `^` (and the postfix modifiers): `-2^2` is
  // -(2^2), `-a * b` is (-a) * b.
  ExprPtr e = ParseBinary(Precedence(BinaryOp::kPow));
  --nesting_;
  if (failed()) return nullptr;
  if (e->Is<NumberLiteral>()) {
    double v = e->As<NumberLiteral>().value();
    if (op.type == Tok::kSub) v = -v;
    return std::make_unique<NumberLiteral>(v, PosRange{op.pos, e->pos().end});
  }
  if (!CheckDepth(depth_ + 1, op.pos)) return nullptr;
  ++depth_;
  PosRange pos{op.pos, e->pos().end};
  return std::make_unique<UnaryExpr>(op.type == Tok::kSub ? BinaryOp::kSub : BinaryOp::kAdd,
                                     std::move(e), pos);
}

ExprPtr Parser::ParsePrimary() {
  Token t = Peek();
  if (failed()) return nullptr;
  ExprPtr e;
  depth_ = 1;
  switch (t.type) {
    case Tok::kNumber:
      Take();
      e = ParseNumber(t);
      break;
    case Tok::kString:
      Take();
      e = std::make_unique<StringLiteral>(UnquoteString(t.val), PosRange{t.pos, t.end()});
      break;
    case Tok::kLeftParen:
      e = ParseParen();
      break;
    case Tok::kLeftBrace:
      e = ParseVectorSelector(nullptr);
      break;
    case Tok::kIdentifier:
      Take();
      if (Peek().type == Tok::kLeftParen) {
        e = ParseCall(t);
      } else {
        e = ParseVectorSelector(&t);
      }
      break;
    case Tok::kMetricIdentifier:
      Take();
      e = ParseVectorSelector(&t);
      break;
    default:
      if (IsAggregatorTok(t.type)) {
        Take();
        Tok next = Peek().type;
        if (next == Tok::kLeftParen || next == Tok::kBy || next == Tok::kWithout) {
          e = ParseAggregate(t);
        } else {
          e = ParseVectorSelector(&t);
        }
        break;
      }
      if (IsMetricKeyword(t.type)) {
        Take();
        e = ParseVectorSelector(&t);
        break;
      }
      UnexpectedInExpr(t);
      return nullptr;
  }
  if (failed()) return nullptr;
  return ParsePostfix(std::move(e));
}

ExprPtr Parser::ParseNumber(const Token& t) {
  std::optional<double> v = NumberValue(t);
  if (!v) return nullptr;
  return std::make_unique<NumberLiteral>(*v, PosRange{t.pos, t.end()});
}

ExprPtr Parser::ParseParen() {
  Token open = Take();
  if (++nesting_ > kMaxDepth) {
    CheckDepth(nesting_, open.pos);
    return nullptr;
  }
  ExprPtr inner = ParseBinary(0);
  --nesting_;
  if (failed()) return nullptr;
  const Token& close = Peek();
  if (failed()) return nullptr;
  if (close.type != Tok::kRightParen) {
    UnexpectedInExpr(close);
    return nullptr;
  }
  Token c = Take();
  if (!CheckDepth(depth_ + 1, open.pos)) return nullptr;
  ++depth_;
  return std::make_unique<ParenExpr>(std::move(inner), PosRange{open.pos, c.end()});
}

bool Parser::ParseArgs(std::vector<ExprPtr>& args) {
  Token open = Take();  // (
  if (++nesting_ > kMaxDepth) return CheckDepth(nesting_, open.pos);
  int depth = 0;
  if (Peek().type == Tok::kRightParen) {
    Take();
  } else {
    for (;;) {
      ExprPtr e = ParseBinary(0);
      if (failed()) return false;
      depth = std::max(depth, depth_);
      args.push_back(std::move(e));
      Token t = Peek();
      if (failed()) return false;
      if (t.type == Tok::kRightParen) {
        Take();
        break;
      }
      if (t.type != Tok::kComma) {
        UnexpectedInExpr(t);
        return false;
      }
      Take();
      // yacc reduces `args ,` as a trailing comma whenever the next token
      // cannot start another argument.
      const Token& next = Peek();
      if (failed()) return false;
      if (!CanStartExpr(next.type)) {
        Fail(t.pos, "trailing commas not allowed in function call args");
        return false;
      }
    }
  }
  --nesting_;
  if (!CheckDepth(depth + 1, open.pos)) return false;
  depth_ = depth + 1;
  return !failed();
}

ExprPtr Parser::ParseCall(const Token& name) {
  std::vector<ExprPtr> args;
  if (!ParseArgs(args)) return nullptr;
  const FunctionInfo* f = LookupFunction(name.val);
  if (f == nullptr) {
    Fail(name.pos, "unknown function with name " + GoQuote(name.val));
    return nullptr;
  }
  return std::make_unique<Call>(*f, std::move(args), PosRange{name.pos, last_closing_});
}

ExprPtr Parser::ParseAggregate(const Token& op) {
  ++aggregations_;
  std::vector<std::string> grouping;
  bool without = false;
  bool prefix_modifier = false;
  Tok t = Peek().type;
  if (t == Tok::kBy || t == Tok::kWithout) {
    Take();
    prefix_modifier = true;
    without = t == Tok::kWithout;
    if (!ParseGroupingLabels(grouping)) return nullptr;
    const Token& open = Peek();
    if (failed()) return nullptr;
    if (open.type != Tok::kLeftParen) {
      UnexpectedInExpr(open);
      return nullptr;
    }
  }
  std::vector<ExprPtr> args;
  if (!ParseArgs(args)) return nullptr;
  int depth = depth_;
  if (!prefix_modifier) {
    // The yacc parser reads one token ahead here for a trailing by/without.
    t = Peek().type;
    if (failed()) return nullptr;
    if (t == Tok::kBy || t == Tok::kWithout) {
      Take();
      without = t == Tok::kWithout;
      if (!ParseGroupingLabels(grouping)) return nullptr;
    }
  }
  --aggregations_;
  PosRange pos{op.pos, last_closing_};
  if (args.empty()) {
    Fail(op.pos, "no arguments for aggregate expression provided");
    return nullptr;
  }
  AggregateOp aop = AggregateOpFor(op.type);
  size_t want = AggregateTakesParam(aop) ? 2 : 1;
  if (args.size() != want) {
    Fail(op.pos, "wrong number of arguments for aggregate expression provided, expected " +
                     std::to_string(want) + ", got " + std::to_string(args.size()));
    return nullptr;
  }
  ExprPtr param = want == 2 ? std::move(args[0]) : nullptr;
  depth_ = depth;
  return std::make_unique<AggregateExpr>(aop, std::move(args.back()), std::move(param),
                                         std::move(grouping), without, pos);
}

}  // namespace internal

Result<ExprPtr> ParseExpr(std::string_view input) {
  internal::Parser p(input);
  return p.ParseWholeExpr();
}

Result<std::vector<tsdb::Matcher>> ParseMetricSelector(std::string_view input) {
  internal::Parser p(input);
  return p.ParseWholeSelector();
}

}  // namespace pharos::promql
