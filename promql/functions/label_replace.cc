// LabelReplacer: label_replace() with RE2 standing in for Go's regexp.

#include <re2/re2.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "promql/functions/label_functions.h"

namespace pharos::promql {

LabelReplacer::LabelReplacer(std::string dst, std::string replacement, std::string src,
                             std::unique_ptr<re2::RE2> re)
    : dst_(std::move(dst)),
      replacement_(std::move(replacement)),
      src_(std::move(src)),
      re_(std::move(re)) {}

LabelReplacer::LabelReplacer(LabelReplacer&&) noexcept = default;
LabelReplacer& LabelReplacer::operator=(LabelReplacer&&) noexcept = default;
LabelReplacer::~LabelReplacer() = default;

Result<LabelReplacer> LabelReplacer::Make(std::string dst, std::string replacement,
                                          std::string src, std::string regex) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  // Prometheus anchors the user's regex exactly like this, so even a regex
  // such as "a)|(b" behaves the same.
  auto re = std::make_unique<re2::RE2>("^(?:" + regex + ")$", options);
  if (!re->ok()) {
    return FailedPreconditionError("invalid regular expression in label_replace(): " + regex);
  }
  if (!tsdb::ValidLabelName(dst)) {
    return FailedPreconditionError("invalid destination label name in label_replace(): " + dst);
  }
  return LabelReplacer(std::move(dst), std::move(replacement), std::move(src), std::move(re));
}

tsdb::Labels LabelReplacer::Apply(const tsdb::Labels& in) const {
  const std::string_view value = in.Get(src_);
  const int n = re_->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(n);
  if (!re_->Match(value, 0, value.size(), re2::RE2::UNANCHORED, pieces.data(), n)) return in;

  std::vector<std::optional<std::string_view>> groups(n);
  for (int i = 0; i < n; ++i) {
    // RE2 leaves a group that did not take part with a null data pointer.
    if (pieces[i].data() != nullptr) groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
  }
  std::vector<std::string> names(n);
  for (const auto& [name, index] : re_->NamedCapturingGroups()) {
    if (index < n) names[index] = name;
  }
  const std::string res = ExpandTemplate(replacement_, groups, names);
  return in.With(dst_, res);
}

}  // namespace pharos::promql
