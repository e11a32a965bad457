#include "promql/ast/pretty.h"

#include "promql/ast/ast.h"
#include "promql/ast/print_util.h"

namespace pharos::promql {
namespace {

constexpr size_t kMaxCharactersPerLine = 100;

std::string Indent(int level) { return std::string(2 * static_cast<size_t>(level), ' '); }

bool NeedsSplit(const std::string& s) { return s.size() > kMaxCharactersPerLine; }

std::string TrimLeft(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  return s;
}

std::string PrettyAt(const Expr& e, int level) {
  const std::string flat = e.String();
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      if (!NeedsSplit(flat)) return Indent(level) + flat;
      const auto& a = e.As<AggregateExpr>();
      // String() is "<op and grouping>(<param>, <expr>)".
      std::string args = a.expr().String();
      if (a.param() != nullptr) args = a.param()->String() + ", " + args;
      std::string out = Indent(level) + flat.substr(0, flat.size() - args.size() - 2) + "(\n";
      if (a.param() != nullptr) out += PrettyAt(*a.param(), level + 1) + ",\n";
      return out + PrettyAt(a.expr(), level + 1) + "\n" + Indent(level) + ")";
    }
    case NodeKind::kBinary: {
      if (!NeedsSplit(flat)) return Indent(level) + flat;
      const auto& b = e.As<BinaryExpr>();
      // String() is "<lhs> <op, bool and matching> <rhs>".
      const std::string lhs =
          b.op() == BinaryOp::kPow ? TightOperandString(b.lhs()) : b.lhs().String();
      const std::string rhs = b.rhs().String();
      const std::string middle =
          flat.substr(lhs.size() + 1, flat.size() - lhs.size() - rhs.size() - 2);
      return PrettyAt(b.lhs(), level + 1) + "\n" + Indent(level) + middle + "\n" +
             PrettyAt(b.rhs(), level + 1);
    }
    case NodeKind::kCall: {
      if (!NeedsSplit(flat)) return Indent(level) + flat;
      const auto& c = e.As<Call>();
      std::string out = Indent(level) + std::string(c.func().name) + "(\n";
      for (size_t i = 0; i < c.args().size(); ++i) {
        out += PrettyAt(*c.args()[i], level + 1);
        out += i + 1 < c.args().size() ? ",\n" : "";
      }
      return out + "\n" + Indent(level) + ")";
    }
    case NodeKind::kParen: {
      if (!NeedsSplit(flat)) return Indent(level) + flat;
      return Indent(level) + "(\n" + PrettyAt(e.As<ParenExpr>().expr(), level + 1) + "\n" +
             Indent(level) + ")";
    }
    case NodeKind::kSubquery: {
      if (!NeedsSplit(flat)) return flat;
      const auto& sq = e.As<SubqueryExpr>();
      const std::string inner = TightOperandString(sq.expr());
      return PrettyAt(sq.expr(), level) + flat.substr(inner.size());
    }
    case NodeKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      return Indent(level) + std::string(BinaryOpString(u.op())) +
             TrimLeft(PrettyAt(u.expr(), level));
    }
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
    case NodeKind::kVectorSelector:
    case NodeKind::kMatrixSelector:
      break;
  }
  return Indent(level) + flat;
}

}  // namespace

std::string Pretty(const Expr& e) { return PrettyAt(e, 0); }

}  // namespace pharos::promql
