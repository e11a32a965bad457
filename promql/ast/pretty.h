// Pretty: PromQL spread over lines the way Prometheus' prettifier does it
// for /api/v1/format_query: a node whose String() is longer than 100
// characters is split, its children indented by two spaces per level;
// shorter nodes stay on one line.
#pragma once

#include <string>

#include "promql/ast/node.h"

namespace pharos::promql {

std::string Pretty(const Expr& e);

}  // namespace pharos::promql
