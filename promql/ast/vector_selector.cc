#include "promql/ast/vector_selector.h"

#include <algorithm>
#include <tuple>

#include "promql/string_escape.h"

namespace pharos::promql {
namespace {

using MatcherKey = std::tuple<std::string_view, tsdb::MatchType, std::string_view>;

std::vector<MatcherKey> SortedKeys(const std::vector<tsdb::Matcher>& ms) {
  std::vector<MatcherKey> keys;
  keys.reserve(ms.size());
  for (const auto& m : ms) keys.emplace_back(m.name(), m.type(), m.value());
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

std::string VectorSelector::SelectorString() const {
  std::vector<std::string> parts;
  parts.reserve(matchers_.size());
  for (const auto& m : matchers_) {
    if (!name_.empty() && m.name() == "__name__" && m.type() == tsdb::MatchType::kEqual &&
        m.value() == name_) {
      continue;
    }
    std::string s = m.name();
    s += tsdb::MatchTypeString(m.type());
    s += GoQuote(m.value());
    parts.push_back(std::move(s));
  }
  if (parts.empty()) return name_;
  // Prometheus sorts the printed matchers.
  std::sort(parts.begin(), parts.end());
  std::string out = name_ + "{";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    out += parts[i];
  }
  out += '}';
  return out;
}

std::string VectorSelector::String() const { return SelectorString() + modifiers_.String(); }

bool VectorSelector::Equals(const Expr& other) const {
  if (!other.Is<VectorSelector>()) return false;
  const auto& o = other.As<VectorSelector>();
  // Matchers compare as a set: the printer sorts them.
  return name_ == o.name_ && modifiers_ == o.modifiers_ &&
         SortedKeys(matchers_) == SortedKeys(o.matchers_);
}

ExprPtr VectorSelector::Clone() const {
  auto v = std::make_unique<VectorSelector>(name_, matchers_, pos());
  v->mutable_modifiers() = modifiers_;
  return v;
}

}  // namespace pharos::promql
