// The signatures of PromQL's functions: what the parser checks calls against.
// Their evaluation lives in promql/functions/.
#pragma once

#include <string_view>
#include <vector>

#include "promql/ast/node.h"

namespace pharos::promql {

struct FunctionInfo {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // As Prometheus' Variadic: 0 means exactly arg_types.size() arguments;
  // otherwise the last one may be left out, and with -1 it may also repeat
  // without bound (label_join's source labels).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
};

// The function named `name`, or null. Entries live for the whole program.
const FunctionInfo* LookupFunction(std::string_view name);

// Every function, sorted by name (for the UI's autocompletion and tests).
const std::vector<const FunctionInfo*>& AllFunctions();

}  // namespace pharos::promql
