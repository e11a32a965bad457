#include "promql/value.h"

namespace pharos::promql {

ValueType Value::type() const {
  switch (data.index()) {
    case 0: return ValueType::kScalar;
    case 1: return ValueType::kVector;
    case 2: return ValueType::kMatrix;
    case 3: return ValueType::kString;
  }
  return ValueType::kNone;
}

}  // namespace pharos::promql
