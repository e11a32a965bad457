// The type checks Prometheus runs over a tree that parsed (checkAST): they
// visit children first and report the first problem found.
#include "promql/parser_impl.h"
#include "promql/string_escape.h"

namespace pharos::promql::internal {
namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

ValueType Parser::Check(const Expr& e) {
  ValueType type = e.type();
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      CheckExpect(a.expr(), ValueType::kVector, "aggregation expression");
      if (a.param() != nullptr) {
        ValueType want =
            a.op() == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar;
        CheckExpect(*a.param(), want, "aggregation parameter");
      }
      break;
    }
    case NodeKind::kBinary:
      CheckBinary(e.As<BinaryExpr>());
      break;
    case NodeKind::kCall:
      CheckCall(e.As<Call>());
      break;
    case NodeKind::kParen:
      Check(e.As<ParenExpr>().expr());
      break;
    case NodeKind::kUnary: {
      ValueType t = Check(e.As<UnaryExpr>().expr());
      if (t != ValueType::kScalar && t != ValueType::kVector) {
        Fail(e.pos().start,
             "unary expression only allowed on expressions of type scalar or instant vector, "
             "got " + GoQuote(ValueTypeName(t)));
      }
      break;
    }
    case NodeKind::kSubquery: {
      ValueType t = Check(e.As<SubqueryExpr>().expr());
      if (t != ValueType::kVector) {
        // Prometheus prints the internal type name here.
        Fail(e.pos().start, "subquery is only allowed on instant vector, got " +
                                std::string(ValueTypeApiName(t)) + " instead");
      }
      break;
    }
    case NodeKind::kMatrixSelector:
      CheckVectorSelector(e.As<MatrixSelector>().selector());
      break;
    case NodeKind::kVectorSelector:
      CheckVectorSelector(e.As<VectorSelector>());
      break;
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
      break;
  }
  return type;
}

void Parser::CheckExpect(const Expr& e, ValueType want, std::string_view context) {
  ValueType t = Check(e);
  if (t != want) {
    Fail(e.pos().start, "expected type " + std::string(ValueTypeName(want)) + " in " +
                            std::string(context) + ", got " + std::string(ValueTypeName(t)));
  }
}

PosRange Parser::OpRange(const BinaryExpr& b) const {
  PosRange r;
  int n = static_cast<int>(input_.size());
  for (r.start = b.lhs().pos().end; r.start < n && IsSpaceByte(input_[r.start]); ++r.start) {
  }
  for (r.end = b.rhs().pos().start - 1; r.end > 0 && IsSpaceByte(input_[r.end]); --r.end) {
  }
  return r;
}

void Parser::CheckBinary(const BinaryExpr& b) {
  ValueType lt = Check(b.lhs());
  ValueType rt = Check(b.rhs());
  BinaryOp op = b.op();
  if (b.return_bool() && !IsComparisonOp(op)) {
    Fail(OpRange(b).start, "bool modifier can only be used on comparison operators");
  }
  if (IsComparisonOp(op) && !b.return_bool() && b.rhs().type() == ValueType::kScalar &&
      b.lhs().type() == ValueType::kScalar) {
    Fail(OpRange(b).start, "comparisons between scalars must use BOOL modifier");
  }
  auto& mutable_b = const_cast<BinaryExpr&>(b);
  std::optional<VectorMatching> vm = b.matching();
  if (vm && IsSetOp(op) && vm->card == VectorMatchCardinality::kOneToOne) {
    vm->card = VectorMatchCardinality::kManyToMany;
  }
  if (vm && vm->on) {
    for (const auto& l1 : vm->matching_labels) {
      for (const auto& l2 : vm->include) {
        if (l1 == l2) {
          Fail(OpRange(b).start,
               "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
  }
  if (lt != ValueType::kScalar && lt != ValueType::kVector) {
    Fail(b.lhs().pos().start, "binary expression must contain only scalar and instant vector types");
  }
  if (rt != ValueType::kScalar && rt != ValueType::kVector) {
    Fail(b.rhs().pos().start, "binary expression must contain only scalar and instant vector types");
  }
  if ((lt != ValueType::kVector || rt != ValueType::kVector) && vm) {
    if (!vm->matching_labels.empty()) {
      Fail(b.pos().start, "vector matching only allowed between instant vectors");
    }
    vm.reset();
  } else if (vm && IsSetOp(op)) {
    if (vm->card == VectorMatchCardinality::kOneToMany ||
        vm->card == VectorMatchCardinality::kManyToOne) {
      Fail(b.pos().start, "no grouping allowed for " + GoQuote(BinaryOpString(op)) + " operation");
    }
  }
  if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(op)) {
    Fail(b.pos().start,
         "set operator " + GoQuote(BinaryOpString(op)) + " not allowed in binary scalar expression");
  }
  // The tree is still being built and owned by the parser (the AST hands out
  // children only as const): settle the matching as Prometheus does.
  mutable_b.set_matching(std::move(vm));
}

void Parser::CheckCall(const Call& c) {
  const FunctionInfo& f = c.func();
  int nargs = static_cast<int>(f.arg_types.size());
  int got = static_cast<int>(c.args().size());
  std::string name = GoQuote(f.name);
  if (f.variadic == 0) {
    if (nargs != got) {
      Fail(c.pos().start, "expected " + std::to_string(nargs) + " argument(s) in call to " + name +
                              ", got " + std::to_string(got));
    }
  } else {
    int na = nargs - 1;
    if (na > got) {
      Fail(c.pos().start, "expected at least " + std::to_string(na) + " argument(s) in call to " +
                              name + ", got " + std::to_string(got));
    } else if (f.variadic > 0 && na + f.variadic < got) {
      Fail(c.pos().start, "expected at most " + std::to_string(na + f.variadic) +
                              " argument(s) in call to " + name + ", got " + std::to_string(got));
    }
  }
  for (int i = 0; i < got; ++i) {
    int k = i;
    if (k >= nargs) {
      if (f.variadic == 0) break;
      k = nargs - 1;
    }
    const Expr& arg = *c.args()[i];
    ValueType t = Check(arg);
    if (t != f.arg_types[k]) {
      Fail(arg.pos().start, "expected type " + std::string(ValueTypeName(f.arg_types[k])) +
                                " in call to function " + name + ", got " +
                                std::string(ValueTypeName(t)));
    }
  }
}

void Parser::CheckVectorSelector(const VectorSelector& v) {
  if (!v.name().empty()) {
    // The first matcher is the name's own.
    for (size_t i = 1; i < v.matchers().size(); ++i) {
      const tsdb::Matcher& m = v.matchers()[i];
      if (m.name() == "__name__") {
        Fail(v.pos().start, "metric name must not be set twice: " + GoQuote(v.name()) + " or " +
                                GoQuote(m.value()));
      }
    }
    return;
  }
  for (const tsdb::Matcher& m : v.matchers()) {
    if (!m.MatchesEmpty()) return;
  }
  Fail(v.pos().start, "vector selector must contain at least one non-empty matcher");
}

}  // namespace pharos::promql::internal
