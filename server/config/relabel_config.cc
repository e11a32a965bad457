// RelabelConfig::Make: Prometheus 2.42's relabel.Config validation.

#include <re2/re2.h>

#include <string>
#include <utility>

#include "server/config/anchored_regexp.h"
#include "server/config/relabel.h"

namespace pharos::server {
namespace {

constexpr struct {
  RelabelAction action;
  std::string_view name;
} kActions[] = {
    {RelabelAction::kReplace, "replace"},     {RelabelAction::kKeep, "keep"},
    {RelabelAction::kDrop, "drop"},           {RelabelAction::kKeepEqual, "keepequal"},
    {RelabelAction::kDropEqual, "dropequal"}, {RelabelAction::kHashMod, "hashmod"},
    {RelabelAction::kLabelMap, "labelmap"},   {RelabelAction::kLabelDrop, "labeldrop"},
    {RelabelAction::kLabelKeep, "labelkeep"}, {RelabelAction::kLowercase, "lowercase"},
    {RelabelAction::kUppercase, "uppercase"},
};

// Prometheus' relabelTarget: ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$,
// a label name in which $refs may stand for parts.
bool ValidRelabelTarget(std::string_view s) {
  static const RE2 kTarget(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");
  return RE2::FullMatch(s, kTarget);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view RelabelActionName(RelabelAction action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.name;
  }
  return "unknown";
}

Result<RelabelAction> ParseRelabelAction(std::string_view name) {
  for (const auto& a : kActions) {
    if (a.name.size() != name.size()) continue;
    bool equal = true;
    for (size_t i = 0; i < name.size() && equal; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      equal = c == a.name[i];
    }
    if (equal) return a.action;
  }
  return InvalidArgumentError("unknown relabel action " + Quote(name));
}

RelabelConfig::RelabelConfig(RelabelSpec spec, std::shared_ptr<const re2::RE2> regex)
    : spec_(std::move(spec)), regex_(std::move(regex)) {
  group_names_.resize(regex_->NumberOfCapturingGroups() + 1);
  for (const auto& [name, index] : regex_->NamedCapturingGroups()) {
    if (index >= 0 && static_cast<size_t>(index) < group_names_.size()) group_names_[index] = name;
  }
  target_has_ref_ = spec_.target_label.find('$') != std::string::npos;
  replacement_has_ref_ = spec_.replacement.find('$') != std::string::npos;
}

Result<RelabelConfig> RelabelConfig::Make(RelabelSpec spec) {
  using A = RelabelAction;
  for (const std::string& name : spec.source_labels) {
    if (!tsdb::ValidLabelName(name)) {
      return InvalidArgumentError(Quote(name) + " is not a valid label name");
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const re2::RE2> regex, CompileAnchoredRegexp(spec.regex));

  const A a = spec.action;
  const std::string action(RelabelActionName(a));
  const RelabelSpec defaults;
  const bool sets_value =
      a == A::kReplace || a == A::kLowercase || a == A::kUppercase || a == A::kKeepEqual || a == A::kDropEqual;
  const bool case_or_equal = a == A::kLowercase || a == A::kUppercase || a == A::kKeepEqual || a == A::kDropEqual;

  if (spec.modulus == 0 && a == A::kHashMod) {
    return InvalidArgumentError("relabel configuration for hashmod requires non-zero modulus");
  }
  if ((sets_value || a == A::kHashMod) && spec.target_label.empty()) {
    return InvalidArgumentError("relabel configuration for " + action + " action requires 'target_label' value");
  }
  if (sets_value && !ValidRelabelTarget(spec.target_label)) {
    return InvalidArgumentError(Quote(spec.target_label) + " is invalid 'target_label' for " + action + " action");
  }
  if (case_or_equal && spec.replacement != defaults.replacement) {
    return InvalidArgumentError("'replacement' can not be set for " + action + " action");
  }
  if (a == A::kLabelMap && !ValidRelabelTarget(spec.replacement)) {
    return InvalidArgumentError(Quote(spec.replacement) + " is invalid 'replacement' for " + action + " action");
  }
  if (a == A::kHashMod && !tsdb::ValidLabelName(spec.target_label)) {
    return InvalidArgumentError(Quote(spec.target_label) + " is invalid 'target_label' for " + action + " action");
  }
  if ((a == A::kKeepEqual || a == A::kDropEqual) &&
      (spec.regex_set || spec.modulus != defaults.modulus || spec.separator != defaults.separator ||
       spec.replacement != defaults.replacement)) {
    return InvalidArgumentError(action +
                                " action requires only 'source_labels' and `target_label`, and no other fields");
  }
  if ((a == A::kLabelDrop || a == A::kLabelKeep) &&
      (spec.source_labels_set || !spec.source_labels.empty() || !spec.target_label.empty() ||
       spec.modulus != defaults.modulus || spec.separator != defaults.separator ||
       spec.replacement != defaults.replacement)) {
    return InvalidArgumentError(action + " action requires only 'regex', and no other fields");
  }
  return RelabelConfig(std::move(spec), std::move(regex));
}

}  // namespace pharos::server
