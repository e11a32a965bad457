// LookupMathKernel, Clamp, Round: the arithmetic instant-vector functions.

#include <cmath>
#include <limits>
#include <utility>

#include "promql/functions/instant_functions.h"

namespace pharos::promql {
namespace {

// Go's constants 1/Ln2 and 1/Ln10, rounded once from their exact values.
constexpr double kInvLn2 = 1.442695040888963407359924681001892137426645954152985934135449407;
constexpr double kInvLn10 = 0.4342944819032518276511289189166050822943970058036665661144537831;
constexpr double kPi = 3.14159265358979323846264338327950288419716939937510582097494459;

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Exp(double v) { return std::exp(v); }
double Floor(double v) { return std::floor(v); }
// The natural logarithm by the fdlibm method Go uses (frexp reduction to
// [sqrt(2)/2, sqrt(2)), then a degree-14 odd polynomial in s = f/(2+f)). The
// C library's log is correctly rounded where Go's is not always (ln(3)), so
// Prometheus' results need this one.
double GoLog(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01;
  constexpr double kL2 = 3.999999999940941908e-01;
  constexpr double kL3 = 2.857142874366239149e-01;
  constexpr double kL4 = 2.222219843214978396e-01;
  constexpr double kL5 = 1.818357216161805012e-01;
  constexpr double kL6 = 1.531383769920937332e-01;
  constexpr double kL7 = 1.479819860511658591e-01;
  constexpr double kHalfSqrt2 = 0.70710678118654752440084436210484903928483593768847403658833987;
  if (std::isnan(x) || (std::isinf(x) && x > 0)) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
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

double Ln(double v) { return GoLog(v); }
double Sqrt(double v) { return std::sqrt(v); }

// Go's math.Log2: exact for powers of two, else log(frac)/ln2 + exp.
double Log2(double v) {
  double frac = v;
  int exp = 0;
  if (v != 0 && std::isfinite(v)) frac = std::frexp(v, &exp);
  if (frac == 0.5) return static_cast<double>(exp - 1);
  return GoLog(frac) * kInvLn2 + static_cast<double>(exp);
}

// Go's math.Log10.
double Log10(double v) { return GoLog(v) * kInvLn10; }

double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;  // ±0 and NaN unchanged
}

double Deg(double v) { return v * 180 / kPi; }
double Rad(double v) { return v * kPi / 180; }

double Acos(double v) { return std::acos(v); }
double Acosh(double v) { return std::acosh(v); }
double Asin(double v) { return std::asin(v); }
double Asinh(double v) { return std::asinh(v); }
double Atan(double v) { return std::atan(v); }
double Atanh(double v) { return std::atanh(v); }
double Cos(double v) { return std::cos(v); }
double Cosh(double v) { return std::cosh(v); }
double Sin(double v) { return std::sin(v); }
double Sinh(double v) { return std::sinh(v); }
double Tan(double v) { return std::tan(v); }
double Tanh(double v) { return std::tanh(v); }

}  // namespace

MathKernel LookupMathKernel(std::string_view name) {
  static constexpr std::pair<std::string_view, MathKernel> kKernels[] = {
      {"abs", &Abs},     {"ceil", &Ceil},   {"exp", &Exp},     {"floor", &Floor},
      {"ln", &Ln},       {"log2", &Log2},   {"log10", &Log10}, {"sqrt", &Sqrt},
      {"sgn", &Sgn},     {"deg", &Deg},     {"rad", &Rad},     {"acos", &Acos},
      {"acosh", &Acosh}, {"asin", &Asin},   {"asinh", &Asinh}, {"atan", &Atan},
      {"atanh", &Atanh}, {"cos", &Cos},     {"cosh", &Cosh},   {"sin", &Sin},
      {"sinh", &Sinh},   {"tan", &Tan},     {"tanh", &Tanh},
  };
  for (const auto& [n, k] : kKernels) {
    if (n == name) return k;
  }
  return nullptr;
}

double GoMax(double x, double y) {
  if ((std::isinf(x) && x > 0) || (std::isinf(y) && y > 0)) {
    return std::numeric_limits<double>::infinity();
  }
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

double GoMin(double x, double y) {
  if ((std::isinf(x) && x < 0) || (std::isinf(y) && y < 0)) {
    return -std::numeric_limits<double>::infinity();
  }
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

double Clamp(double v, double min, double max) { return GoMax(min, GoMin(max, v)); }
double ClampMin(double v, double min) { return GoMax(min, v); }
double ClampMax(double v, double max) { return GoMin(max, v); }

double Round(double v, double to_nearest) {
  // Prometheus inverts first: it causes fewer floating point surprises.
  const double inverse = 1.0 / to_nearest;
  return std::floor(v * inverse + 0.5) / inverse;
}

}  // namespace pharos::promql
