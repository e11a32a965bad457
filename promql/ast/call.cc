#include "promql/ast/call.h"

namespace pharos::promql {

std::string Call::String() const {
  std::string out(func_->name);
  out += '(';
  for (size_t i = 0; i < args_.size(); ++i) {
    if (i > 0) out += ", ";
    out += args_[i]->String();
  }
  out += ')';
  return out;
}

bool Call::Equals(const Expr& other) const {
  if (!other.Is<Call>()) return false;
  const auto& o = other.As<Call>();
  if (func_ != o.func_ || args_.size() != o.args_.size()) return false;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (!args_[i]->Equals(*o.args_[i])) return false;
  }
  return true;
}

ExprPtr Call::Clone() const {
  std::vector<ExprPtr> args;
  args.reserve(args_.size());
  for (const auto& a : args_) args.push_back(a->Clone());
  return std::make_unique<Call>(*func_, std::move(args), pos());
}

}  // namespace pharos::promql
