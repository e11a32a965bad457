// LookupMathKernel, Clamp, Round: the arithmetic instant-vector functions.

#include <cmath>
#include <limits>
#include <utility>

#include "promql/functions/go_math.h"
#include "promql/functions/instant_functions.h"

namespace pharos::promql {
namespace {

using namespace internal;

// Go's constants 1/Ln2 and 1/Ln10, rounded once from their exact values.
constexpr double kInvLn2 = 1.442695040888963407359924681001892137426645954152985934135449407;
constexpr double kInvLn10 = 0.4342944819032518276511289189166050822943970058036665661144537831;
constexpr double kPi = 3.14159265358979323846264338327950288419716939937510582097494459;

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Exp(double v) { return GoExp(v); }
double Floor(double v) { return std::floor(v); }
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

double Acos(double v) { return GoAcos(v); }
double Acosh(double v) { return GoAcosh(v); }
double Asin(double v) { return GoAsin(v); }
double Asinh(double v) { return GoAsinh(v); }
double Atan(double v) { return GoAtan(v); }
double Atanh(double v) { return GoAtanh(v); }
double Cos(double v) { return GoCos(v); }
double Cosh(double v) { return GoCosh(v); }
double Sin(double v) { return GoSin(v); }
double Sinh(double v) { return GoSinh(v); }
double Tan(double v) { return GoTan(v); }
double Tanh(double v) { return GoTanh(v); }

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
