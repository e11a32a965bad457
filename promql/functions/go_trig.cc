// GoSin, GoCos, GoTan, GoAtan, GoAsin, GoAcos: Go's Cephes-derived
// trigonometric functions, operation for operation.

#include <cmath>
#include <cstdint>
#include <limits>

#include "promql/functions/go_math.h"

namespace pharos::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846264338327950288419716939937510582097494459;
constexpr double kPiOver2 = kPi / 2;  // both round the exact value once
constexpr double kPiOver4 = kPi / 4;
constexpr double kFourOverPi = 1.27323954473516268615107010698011489627567716592365;
// Go switches to Payne-Hanek reduction from here on; we use the C library.
constexpr double kReduceThreshold = 1 << 29;
// Pi/4 in three parts for an extended-precision reduction.
constexpr double kPi4A = 7.85398125648498535156e-1;
constexpr double kPi4B = 3.77489470793079817668e-8;
constexpr double kPi4C = 2.69515142907905952645e-15;

constexpr double kSin[] = {1.58962301576546568060e-10, -2.50507477628578072866e-8,
                           2.75573136213857245213e-6,  -1.98412698295895385996e-4,
                           8.33333333332211858878e-3,  -1.66666666666666307295e-1};
constexpr double kCos[] = {-1.13585365213876817300e-11, 2.08757008419747316778e-9,
                           -2.75573141792967388112e-7,  2.48015872888517045348e-5,
                           -1.38888888888730564116e-3,  4.16666666666665929218e-2};

struct Reduced {
  uint64_t octant;  // j, zeros mapped to the origin (even)
  double z;         // x - octant * pi/4
};

// REQUIRES: 0 <= x < kReduceThreshold.
Reduced Reduce(double x) {
  uint64_t j = static_cast<uint64_t>(x * kFourOverPi);
  double y = static_cast<double>(j);
  if (j & 1) {
    j++;
    y++;
  }
  return {j, ((x - y * kPi4A) - y * kPi4B) - y * kPi4C};
}

double SinPoly(double z, double zz) {
  return z +
         z * zz * (((((kSin[0] * zz + kSin[1]) * zz + kSin[2]) * zz + kSin[3]) * zz + kSin[4]) * zz +
                   kSin[5]);
}

double CosPoly(double zz) {
  return 1.0 - 0.5 * zz +
         zz * zz *
             (((((kCos[0] * zz + kCos[1]) * zz + kCos[2]) * zz + kCos[3]) * zz + kCos[4]) * zz +
              kCos[5]);
}

// Cephes' rational approximation of atan on [0, 0.66].
double Xatan(double x) {
  constexpr double kP0 = -8.750608600031904122785e-01;
  constexpr double kP1 = -1.615753718733365076637e+01;
  constexpr double kP2 = -7.500855792314704667340e+01;
  constexpr double kP3 = -1.228866684490136173410e+02;
  constexpr double kP4 = -6.485021904942025371773e+01;
  constexpr double kQ0 = +2.485846490142306297962e+01;
  constexpr double kQ1 = +1.650270098316988542046e+02;
  constexpr double kQ2 = +4.328810604912902668951e+02;
  constexpr double kQ3 = +4.853903996359136964868e+02;
  constexpr double kQ4 = +1.945506571482613964425e+02;
  double z = x * x;
  z = z * ((((kP0 * z + kP1) * z + kP2) * z + kP3) * z + kP4) /
      (((((z + kQ0) * z + kQ1) * z + kQ2) * z + kQ3) * z + kQ4);
  return x * z + x;
}

// atan of a positive x, reduced into [0, 0.66].
double Satan(double x) {
  constexpr double kMorebits = 6.123233995736765886130e-17;  // pi/2 - kPiOver2
  constexpr double kHalfMorebits = 0.5 * 6.123233995736765886130e-17;
  constexpr double kTan3Pi8 = 2.41421356237309504880;
  if (x <= 0.66) return Xatan(x);
  if (x > kTan3Pi8) return kPiOver2 - Xatan(1 / x) + kMorebits;
  return kPiOver4 + Xatan((x - 1) / (x + 1)) + kHalfMorebits;
}

}  // namespace

double GoSin(double x) {
  if (x == 0 || std::isnan(x)) return x;
  if (std::isinf(x)) return kNaN;
  bool negative = x < 0;
  if (negative) x = -x;
  if (x >= kReduceThreshold) return negative ? -std::sin(x) : std::sin(x);
  Reduced r = Reduce(x);
  r.octant &= 7;
  if (r.octant > 3) {
    negative = !negative;
    r.octant -= 4;
  }
  const double zz = r.z * r.z;
  const double y = (r.octant == 1 || r.octant == 2) ? CosPoly(zz) : SinPoly(r.z, zz);
  return negative ? -y : y;
}

double GoCos(double x) {
  if (std::isnan(x) || std::isinf(x)) return kNaN;
  x = std::fabs(x);
  if (x >= kReduceThreshold) return std::cos(x);
  bool negative = false;
  Reduced r = Reduce(x);
  r.octant &= 7;
  if (r.octant > 3) {
    r.octant -= 4;
    negative = !negative;
  }
  if (r.octant > 1) negative = !negative;
  const double zz = r.z * r.z;
  const double y = (r.octant == 1 || r.octant == 2) ? SinPoly(r.z, zz) : CosPoly(zz);
  return negative ? -y : y;
}

double GoTan(double x) {
  constexpr double kP[] = {-1.30936939181383777646e4, 1.15351664838587416140e6,
                           -1.79565251976484877988e7};
  constexpr double kQ[] = {1.00000000000000000000e0, 1.36812963470692954678e4,
                           -1.32089234440210967447e6, 2.50083801823357915839e7,
                           -5.38695755929454629881e7};
  if (x == 0 || std::isnan(x)) return x;
  if (std::isinf(x)) return kNaN;
  const bool negative = x < 0;
  if (negative) x = -x;
  if (x >= kReduceThreshold) return negative ? -std::tan(x) : std::tan(x);
  const Reduced r = Reduce(x);
  const double zz = r.z * r.z;
  double y = r.z;
  if (zz > 1e-14) {
    y = r.z + r.z * (zz * ((kP[0] * zz + kP[1]) * zz + kP[2]) /
                     ((((zz + kQ[1]) * zz + kQ[2]) * zz + kQ[3]) * zz + kQ[4]));
  }
  if (r.octant & 2) y = -1 / y;
  return negative ? -y : y;
}

double GoAtan(double x) {
  if (x == 0) return x;
  if (x > 0) return Satan(x);
  return -Satan(-x);
}

double GoAsin(double x) {
  if (x == 0) return x;
  const bool negative = x < 0;
  if (negative) x = -x;
  if (x > 1) return kNaN;
  double r = std::sqrt(1 - x * x);
  if (x > 0.7) {
    r = kPiOver2 - Satan(r / x);
  } else {
    r = Satan(x / r);
  }
  return negative ? -r : r;
}

double GoAcos(double x) { return kPiOver2 - GoAsin(x); }

}  // namespace pharos::promql::internal
