// Matcher: one label matcher of a series selector (`job="api"`, `code=~"5.."`).
//
// Regular expressions are RE2, fully anchored as in Prometheus: `=~"a.*"`
// matches "abc" but not "xabc". Common shapes skip the regex engine: a
// pattern without metacharacters is an equality test, `.*` matches
// everything, `.+` anything non-empty, and `a|b|c` is a set lookup.
//
// A label that is absent has the value "" for matching purposes, so
// `foo=""` selects series without `foo` and `foo!=""` those with it.
//
// Thread-safety: immutable after Make(); Matches() is safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace pharos::tsdb {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType t);

class Matcher {
 public:
  // Fails with kInvalidArgument when a regex does not compile.
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view v) const;

  // True when the matcher accepts the empty string, i.e. also selects series
  // that lack the label entirely.
  bool MatchesEmpty() const { return Matches(""); }

  // For regex matchers that reduce to a finite set of literals (`a|b|c`, or
  // a plain literal), the set; empty otherwise. Lets the index look up
  // postings directly instead of scanning every value of the label.
  const std::vector<std::string>& SetMatches() const { return set_; }

  // `name="value"` with the value quoted Go-style.
  std::string ToString() const;

 private:
  enum class Fast { kNone, kAny, kNonEmpty, kLiteral, kSet };
  Matcher() = default;

  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  Fast fast_ = Fast::kNone;
  std::vector<std::string> set_;
  std::shared_ptr<const re2::RE2> re_;  // shared: Matchers are copied freely
};

// True when every matcher matches the corresponding value in `get(name)`.
template <typename GetFn>
bool MatchesAll(const std::vector<Matcher>& ms, GetFn&& get) {
  for (const Matcher& m : ms) {
    if (!m.Matches(get(m.name()))) return false;
  }
  return true;
}

}  // namespace pharos::tsdb
