// The values a PromQL query evaluates to, as the HTTP API serialises them.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "promql/ast/node.h"
#include "tsdb/labels.h"

namespace pharos::promql {

struct Point {
  int64_t t;  // milliseconds
  double v;

  friend bool operator==(const Point&, const Point&) = default;
};

// One series of a range vector or of a range query's result.
struct Series {
  tsdb::Labels labels;
  std::vector<Point> points;  // ascending t
};

// One element of an instant vector.
struct VectorSample {
  tsdb::Labels labels;
  int64_t t;
  double v;
};

struct Scalar {
  int64_t t;
  double v;
};

struct StringValue {
  int64_t t;
  std::string v;
};

using Vector = std::vector<VectorSample>;
using Matrix = std::vector<Series>;

// One of the four result types; type() names which.
struct Value {
  std::variant<Scalar, Vector, Matrix, StringValue> data;

  ValueType type() const;
};

}  // namespace pharos::promql
