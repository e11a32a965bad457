// The parser's round-trip property, shared by the fuzz target and the
// corpus regression test: if `input` parses, its String() must parse to a
// tree that Equals the first and prints identically.
#pragma once

#include <string>
#include <string_view>

#include "promql/parser.h"

namespace pharos::promql::testing {

// Empty when the property holds (including when `input` does not parse);
// otherwise what went wrong.
inline std::string RoundTripProblem(std::string_view input) {
  Result<ExprPtr> first = ParseExpr(input);
  if (!first.ok()) {
    if (first.status().code() != StatusCode::kInvalidArgument) {
      return "parse failed with a code other than kInvalidArgument: " + first.status().ToString();
    }
    return "";
  }
  std::string printed = (*first)->String();
  Result<ExprPtr> second = ParseExpr(printed);
  if (!second.ok()) {
    return "printed form does not parse: `" + printed + "`: " + second.status().message();
  }
  if (!(*second)->Equals(**first)) return "printed form parses to a different tree: `" + printed + "`";
  if (!(*first)->Equals(**second)) return "Equals is not symmetric: `" + printed + "`";
  std::string again = (*second)->String();
  if (again != printed) return "printing is not stable: `" + printed + "` then `" + again + "`";
  ExprPtr copy = (*first)->Clone();
  if (!copy->Equals(**first) || copy->String() != printed) return "Clone differs: `" + printed + "`";
  return "";
}

}  // namespace pharos::promql::testing
