// The `offset` and `@` modifiers shared by selectors and subqueries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pharos::promql {

// `@ start()` / `@ end()` resolve to the query's start or end when the query
// runs; kNone means a fixed timestamp (or no `@` at all).
enum class AtStartEnd { kNone, kStart, kEnd };

struct TimeModifiers {
  // `offset 5m` as written (negative for `offset -5m`), milliseconds.
  int64_t offset_ms = 0;
  // `@ 1609746000` in milliseconds; unset without `@` or with start()/end().
  std::optional<int64_t> at_ms;
  AtStartEnd at_start_end = AtStartEnd::kNone;

  bool has_at() const { return at_ms.has_value() || at_start_end != AtStartEnd::kNone; }

  // " @ 1609746000.000 offset 5m", empty when neither is set; the order
  // Prometheus prints them in.
  std::string String() const;

  friend bool operator==(const TimeModifiers&, const TimeModifiers&) = default;
};

}  // namespace pharos::promql
