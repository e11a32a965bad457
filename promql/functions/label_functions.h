// label_replace() and label_join(): the per-series label rewriting, with
// Prometheus 2.42's argument checks and error messages.
//
// The engine evaluates the string arguments, checks them once per call
// (LabelReplacer::Make / CheckLabelJoinArgs; an error aborts the query as an
// execution error), then rewrites each sample's labels with Apply /
// LabelJoin and keeps its value. Neither function drops `__name__` on its
// own (dst may even be `__name__`). Prometheus 2.42 checks the arguments
// when the function runs, i.e. also when the input vector is empty.
// After rewriting, two output samples with equal labels are the engine's
// "vector cannot contain metrics with the same labelset" error.
//
// Thread-safety: a LabelReplacer is immutable after Make() and may be used
// from several threads at once; the free functions are pure.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace pharos::promql {

// label_replace(v, dst, replacement, src, regex), compiled once per call.
class LabelReplacer {
 public:
  // Compiles `regex` fully anchored (as "^(?:" + regex + ")$") and checks dst.
  // Errors (kFailedPrecondition), the regex checked first:
  //   "invalid regular expression in label_replace(): <regex>"
  //   "invalid destination label name in label_replace(): <dst>"
  // The source label name is not checked (an unknown one reads as "").
  static Result<LabelReplacer> Make(std::string dst, std::string replacement, std::string src,
                                    std::string regex);

  LabelReplacer(LabelReplacer&&) noexcept;
  LabelReplacer& operator=(LabelReplacer&&) noexcept;
  ~LabelReplacer();

  // The labels after replacement. When the regex matches the whole value of
  // src ("" if absent), dst is set to the replacement expanded as Go's
  // regexp.Expand does (see ExpandTemplate) -- or removed if that expansion
  // is empty. No match: the labels unchanged.
  tsdb::Labels Apply(const tsdb::Labels& in) const;

 private:
  LabelReplacer(std::string dst, std::string replacement, std::string src,
                std::unique_ptr<re2::RE2> re);

  std::string dst_;
  std::string replacement_;
  std::string src_;
  std::unique_ptr<re2::RE2> re_;
};

// Go's regexp.Expand of `tmpl` for one match:
//   $$            a literal '$'
//   $name ${name} the capture group called name, or numbered name; $name
//                 takes the longest run of letters, digits and '_' (so "$1x"
//                 is group "1x", which does not exist: use "${1}x")
//   unknown, non-participating or out-of-range groups, and numbers with a
//   leading zero ("$01"), expand to ""; a '$' not followed by a name (or an
//   unclosed "${") stays a literal '$'.
// groups[i] is group i's text (groups[0] the whole match), or empty when the
// group did not take part; group_names[i] its name ("" if unnamed).
// Letters and digits are Unicode's in Go; here ASCII exactly, and the common
// letter and digit blocks of other scripts (Latin, Greek, Cyrillic, Hebrew,
// Arabic, CJK, Kana, Hangul, fullwidth forms) approximately.
std::string ExpandTemplate(std::string_view tmpl, std::span<const std::optional<std::string_view>> groups,
                           std::span<const std::string> group_names);

// label_join(v, dst, sep, src...): checks the label names, each source in
// order first, then dst. Errors (kFailedPrecondition):
//   "invalid source label name in label_join(): <src>"
//   "invalid destination label name in label_join(): <dst>"
// A name is valid when it matches [a-zA-Z_][a-zA-Z0-9_]* (not empty).
Status CheckLabelJoinArgs(std::string_view dst, const std::vector<std::string>& srcs);

// The labels with dst set to the values of srcs (absent ones read as "")
// joined by sep, or dst removed when the joined string is empty (no sources,
// or all empty with an empty separator).
tsdb::Labels LabelJoin(const tsdb::Labels& in, const std::string& dst, const std::string& sep,
                       const std::vector<std::string>& srcs);

}  // namespace pharos::promql
