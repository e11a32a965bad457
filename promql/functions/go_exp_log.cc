// GoExp, GoLog, GoLog1p and the hyperbolic functions built on them: Go's
// amd64 results, operation for operation.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "promql/functions/go_math.h"

namespace pharos::promql::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln2 split: high bits
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // and the rest
constexpr double kLn2 = 6.93147180559945286227e-01;

// Go picks its exp variant once, by CPU: fused multiply-adds with AVX2+FMA.
bool UseFma() {
  static const bool use = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return use;
}

// CVTSD2SL: round to nearest even; NaN and out-of-range give INT32_MIN.
int32_t RoundToInt32(double t) {
  const double r = std::nearbyint(t);
  if (!(r >= -2147483648.0 && r <= 2147483647.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

}  // namespace

double GoExp(double x) {
  // Reduce x = k*ln2 + r, evaluate e^(r/16) by its Taylor series, square
  // four times, scale by 2^k.
  constexpr double kLog2e = 1.4426950408889634073599246810018920;
  constexpr double kLn2U = 0.69314718055966295651160180568695068359375;
  constexpr double kLn2L = 0.28235290563031577122588448175013436025525412068e-12;
  constexpr double kOverflow = 7.09782712893384e+02;
  constexpr double kC[] = {1.9841269841269841270e-4, 1.3888888888888888889e-3,
                           8.3333333333333333333e-3, 4.1666666666666666667e-2,
                           1.6666666666666666667e-1, 0.5, 1.0};
  if (!std::isfinite(x)) return x == -kInf ? 0 : x;
  if (x > kOverflow) return kInf;
  const int32_t k = RoundToInt32(kLog2e * x);
  const double fk = k;
  double r = x;
  double p = 2.4801587301587301587e-5;
  if (UseFma()) {
    r = std::fma(-fk, kLn2U, r);
    r = std::fma(-fk, kLn2L, r);
    r *= 0.0625;
    for (double c : kC) p = std::fma(r, p, c);
    r *= p;
    for (int i = 0; i < 3; ++i) r *= r + 2.0;
    r = std::fma(r + 2.0, r, 1.0);
  } else {
    r -= kLn2U * fk;
    r -= kLn2L * fk;
    r *= 0.0625;
    for (double c : kC) p = p * r + c;
    r *= p;
    for (int i = 0; i < 4; ++i) r *= r + 2.0;
    r += 1.0;
  }
  const int32_t biased = k + 0x3FF;
  if (biased >= 0x7FF) return kInf;
  if (biased > 0) return r * std::bit_cast<double>(static_cast<uint64_t>(biased) << 52);
  // Subnormal results: scale in two steps, 2^(k+1022) then 2^-1022.
  if (biased < -52) return 0;
  r *= std::bit_cast<double>(static_cast<uint64_t>(biased + 0x3FE) << 52);
  return r * std::bit_cast<double>(uint64_t{1} << 52);
}

double GoLog(double x) {
  // fdlibm: x = 2^k * (1+f) with 1+f in [sqrt(2)/2, sqrt(2)); log(1+f) from
  // s = f/(2+f) and a degree-14 polynomial.
  constexpr double kL1 = 6.666666666666735130e-01;
  constexpr double kL2 = 3.999999999940941908e-01;
  constexpr double kL3 = 2.857142874366239149e-01;
  constexpr double kL4 = 2.222219843214978396e-01;
  constexpr double kL5 = 1.818357216161805012e-01;
  constexpr double kL6 = 1.531383769920937332e-01;
  constexpr double kL7 = 1.479819860511658591e-01;
  constexpr double kHalfSqrt2 = 0.70710678118654752440084436210484903928483593768847;
  if (std::isnan(x) || x == kInf) return x;
  if (x < 0) return kNaN;
  if (x == 0) return -kInf;
  int ki;
  double f1 = std::frexp(x, &ki);
  if (f1 < kHalfSqrt2) {
    f1 *= 2;
    ki--;
  }
  const double f = f1 - 1;
  const double k = ki;
  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  const double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  const double r = t1 + t2;
  const double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + r) + k * kLn2Lo)) - f);
}

double GoLog1p(double x) {
  // fdlibm log1p: as GoLog, with a correction term for the rounding of 1+x.
  constexpr double kSqrt2M1 = 4.142135623730950488017e-01;
  constexpr double kSqrt2HalfM1 = -2.928932188134524755992e-01;
  constexpr double kSmall = 1.0 / (1 << 29);
  constexpr double kTiny = 1.0 / (uint64_t{1} << 54);
  constexpr double kTwo53 = static_cast<double>(uint64_t{1} << 53);
  constexpr double kLp[] = {6.666666666666735130e-01, 3.999999999940941908e-01,
                            2.857142874366239149e-01, 2.222219843214978396e-01,
                            1.818357216161805012e-01, 1.531383769920937332e-01,
                            1.479819860511658591e-01};
  if (x < -1 || std::isnan(x)) return kNaN;
  if (x == -1) return -kInf;
  if (x == kInf) return kInf;
  const double absx = std::fabs(x);
  double f = 0;
  uint64_t iu = 0;
  int k = 1;
  if (absx < kSqrt2M1) {
    if (absx < kSmall) {
      if (absx < kTiny) return x;
      return x - x * x * 0.5;
    }
    if (x > kSqrt2HalfM1) {
      k = 0;
      f = x;
      iu = 1;
    }
  }
  double c = 0;
  if (k != 0) {
    double u;
    if (absx < kTwo53) {
      u = 1.0 + x;
      iu = std::bit_cast<uint64_t>(u);
      k = static_cast<int>((iu >> 52) - 1023);
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      iu = std::bit_cast<uint64_t>(u);
      k = static_cast<int>((iu >> 52) - 1023);
      c = 0;
    }
    iu &= 0x000fffffffffffff;
    if (iu < 0x0006a09e667f3bcd) {
      u = std::bit_cast<double>(iu | 0x3ff0000000000000);
    } else {
      k++;
      u = std::bit_cast<double>(iu | 0x3fe0000000000000);
      iu = (0x0010000000000000 - iu) >> 2;
    }
    f = u - 1.0;
  }
  const double hfsq = 0.5 * f * f;
  const double fk = k;
  if (iu == 0) {
    if (f == 0) {
      if (k == 0) return 0;
      c += fk * kLn2Lo;
      return fk * kLn2Hi + c;
    }
    const double r = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k == 0) return f - r;
    return fk * kLn2Hi - ((r - (fk * kLn2Lo + c)) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double r =
      z * (kLp[0] +
           z * (kLp[1] + z * (kLp[2] + z * (kLp[3] + z * (kLp[4] + z * (kLp[5] + z * kLp[6]))))));
  if (k == 0) return f - (hfsq - s * (hfsq + r));
  return fk * kLn2Hi - ((hfsq - (s * (hfsq + r) + (fk * kLn2Lo + c))) - f);
}

double GoSinh(double x) {
  // Hart & Cheney #2029 below 0.5, exponentials above.
  constexpr double kP0 = -0.6307673640497716991184787251e+6;
  constexpr double kP1 = -0.8991272022039509355398013511e+5;
  constexpr double kP2 = -0.2894211355989563807284660366e+4;
  constexpr double kP3 = -0.2630563213397497062819489e+2;
  constexpr double kQ0 = -0.6307673640497716991212077277e+6;
  constexpr double kQ1 = 0.1521517378790019070696485176e+5;
  constexpr double kQ2 = -0.173678953558233699533450911e+3;
  const bool negative = x < 0;
  if (negative) x = -x;
  double r;
  if (x > 21) {
    r = GoExp(x) * 0.5;
  } else if (x > 0.5) {
    const double ex = GoExp(x);
    r = (ex - 1 / ex) * 0.5;
  } else {
    const double sq = x * x;
    r = (((kP3 * sq + kP2) * sq + kP1) * sq + kP0) * x;
    r = r / (((sq + kQ2) * sq + kQ1) * sq + kQ0);
  }
  return negative ? -r : r;
}

double GoCosh(double x) {
  x = std::fabs(x);
  if (x > 21) return GoExp(x) * 0.5;
  const double ex = GoExp(x);
  return (ex + 1 / ex) * 0.5;
}

double GoTanh(double x) {
  // Cephes: a rational function below 0.625, 1 - 2/(e^2x + 1) above.
  constexpr double kMaxLog = 8.8029691931113054295988e+01;
  constexpr double kP[] = {-9.64399179425052238628E-1, -9.92877231001918586564E1,
                           -1.61468768441708447952E3};
  constexpr double kQ[] = {1.12811678491632931402E2, 2.23548839060100448583E3,
                           4.84406305325125486048E3};
  double z = std::fabs(x);
  if (z > 0.5 * kMaxLog) return x < 0 ? -1 : 1;
  if (z >= 0.625) {
    const double s = GoExp(2 * z);
    z = 1 - 2 / (s + 1);
    return x < 0 ? -z : z;
  }
  if (x == 0) return x;
  const double s = x * x;
  return x + x * s * ((kP[0] * s + kP[1]) * s + kP[2]) / (((s + kQ[0]) * s + kQ[1]) * s + kQ[2]);
}

double GoAsinh(double x) {
  constexpr double kNearZero = 1.0 / (1 << 28);
  constexpr double kLarge = 1 << 28;
  if (std::isnan(x) || std::isinf(x)) return x;
  const bool negative = x < 0;
  if (negative) x = -x;
  double r;
  if (x > kLarge) {
    r = GoLog(x) + kLn2;
  } else if (x > 2) {
    r = GoLog(2 * x + 1 / (std::sqrt(x * x + 1) + x));
  } else if (x < kNearZero) {
    r = x;
  } else {
    r = GoLog1p(x + x * x / (1 + std::sqrt(1 + x * x)));
  }
  return negative ? -r : r;
}

double GoAcosh(double x) {
  constexpr double kLarge = 1 << 28;
  if (x < 1 || std::isnan(x)) return kNaN;
  if (x == 1) return 0;
  if (x >= kLarge) return GoLog(x) + kLn2;
  if (x > 2) return GoLog(2 * x - 1 / (x + std::sqrt(x * x - 1)));
  const double t = x - 1;
  return GoLog1p(t + std::sqrt(2 * t + t * t));
}

double GoAtanh(double x) {
  constexpr double kNearZero = 1.0 / (1 << 28);
  if (x < -1 || x > 1 || std::isnan(x)) return kNaN;
  if (x == 1) return kInf;
  if (x == -1) return -kInf;
  const bool negative = x < 0;
  if (negative) x = -x;
  double r;
  if (x < kNearZero) {
    r = x;
  } else if (x < 0.5) {
    r = x + x;
    r = 0.5 * GoLog1p(r + r * x / (1 - x));
  } else {
    r = 0.5 * GoLog1p((x + x) / (1 - x));
  }
  return negative ? -r : r;
}

}  // namespace pharos::promql::internal
