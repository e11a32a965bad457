// Compensated (Kahan-Babuska-Neumaier) summation, the way Prometheus 2.42's
// kahanSumInc does it, so sums over time round exactly like Prometheus'.
// Internal to promql/functions/.
#pragma once

#include <cmath>

namespace pharos::promql::internal {

// Adds `inc` to the running sum `sum` whose lost low-order part is carried in
// `c`. The final value is sum + c (or sum alone when it is infinite).
inline void KahanAdd(double inc, double& sum, double& c) {
  const double t = sum + inc;
  if (std::fabs(sum) >= std::fabs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  sum = t;
}

}  // namespace pharos::promql::internal
