// Math, date, clamp and round kernels, against Prometheus 2.42 (promtool).

#include "promql/functions/instant_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pharos::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double M(const char* name, double v) {
  MathKernel k = LookupMathKernel(name);
  EXPECT_NE(k, nullptr) << name;
  return k ? k(v) : kNaN;
}

double D(const char* name, double v) {
  MathKernel k = LookupDateKernel(name);
  EXPECT_NE(k, nullptr) << name;
  return k ? k(v) : kNaN;
}

TEST(MathKernels, Lookup) {
  for (const char* n : {"abs", "ceil", "exp", "floor", "ln", "log2", "log10", "sqrt", "sgn", "deg",
                        "rad", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh",
                        "sin", "sinh", "tan", "tanh"}) {
    EXPECT_NE(LookupMathKernel(n), nullptr) << n;
  }
  EXPECT_EQ(LookupMathKernel("round"), nullptr);
  EXPECT_EQ(LookupMathKernel("hour"), nullptr);
  EXPECT_EQ(LookupDateKernel("abs"), nullptr);
}

TEST(MathKernels, ValuesAsPrometheus) {
  EXPECT_EQ(M("log2", 100), 6.643856189774724);
  EXPECT_EQ(M("log2", 2.5), 1.3219280948873622);
  EXPECT_EQ(M("log2", 8), 3);
  EXPECT_EQ(M("log2", 0), -kInf);
  EXPECT_EQ(M("log2", kInf), kInf);
  EXPECT_TRUE(std::isnan(M("log2", -1)));
  EXPECT_EQ(M("log10", 100), 2);
  EXPECT_EQ(M("log10", 3), 4.771212547196624E-01);
  // Go's fdlibm log, not the C library's (which gives ...098 for ln(3)).
  EXPECT_EQ(M("ln", 3), 1.0986122886681096);
  EXPECT_EQ(M("ln", 0.7), -3.5667494393873245E-01);
  EXPECT_EQ(M("ln", 123.456), 4.815884817283264);
  EXPECT_EQ(M("ln", 1e-5), -1.1512925464970229E+01);
  EXPECT_EQ(M("ln", 1e300), 6.907755278982137E+02);
  EXPECT_EQ(M("ln", 0.999), -1.0005003335835344E-03);
  EXPECT_EQ(M("ln", kInf), kInf);
  EXPECT_EQ(M("sinh", 3), 1.0017874927409903E+01);
  EXPECT_EQ(M("tanh", -2.7), -9.910074536781176E-01);
  EXPECT_EQ(M("atanh", 0.3), 3.0951960420311175E-01);
  EXPECT_EQ(M("sin", 0.3), 2.9552020666133955E-01);
  EXPECT_EQ(M("tan", 10.1), 8.007893029375109E-01);
  EXPECT_EQ(M("cos", 3), -9.899924966004454E-01);
  EXPECT_EQ(M("acosh", 1.5), 9.624236501192069E-01);
  EXPECT_EQ(M("exp", 3), 2.0085536923187668E+01);
  EXPECT_EQ(M("exp", -0.001), 9.99000499833375E-01);
  EXPECT_EQ(M("exp", 0.5), 1.6487212707001282);
  EXPECT_EQ(M("deg", 3), 1.7188733853924697E+02);
  EXPECT_EQ(M("rad", 3), 5.235987755982988E-02);
  EXPECT_EQ(M("sin", 1.5), 9.974949866040544E-01);
  EXPECT_EQ(M("asinh", 1.5), 1.1947632172871094);
  EXPECT_EQ(M("atanh", 0.5), 5.493061443340548E-01);
  EXPECT_EQ(M("tanh", 100), 1);
  EXPECT_EQ(M("sinh", 100), 1.3440585709080678E+43);
  EXPECT_TRUE(std::isnan(M("acosh", 0.5)));
  EXPECT_TRUE(std::isnan(M("ln", -1)));
  EXPECT_EQ(M("ln", 0), -kInf);
  EXPECT_EQ(M("abs", -kInf), kInf);
  EXPECT_EQ(M("ceil", -0.5), 0);
  EXPECT_EQ(M("floor", -0.5), -1);
  EXPECT_EQ(M("sqrt", 4), 2);
  for (const char* n : {"abs", "exp", "ln", "sin", "sgn", "deg", "log2", "log10"}) {
    EXPECT_TRUE(std::isnan(M(n, kNaN))) << n;
  }
}

// Go's exp, trig and hyperbolic functions are not always correctly rounded;
// these are inputs where the C library's answers differ from Prometheus'.
TEST(MathKernels, GoRoundingNotTheCLibrarys) {
  EXPECT_EQ(M("exp", 1.5), 4.481689070338065);
  EXPECT_EQ(M("cosh", 1.5), 2.3524096152432477);
  EXPECT_EQ(M("cosh", 0.014871466378840514), 1.0001105822941423);
  EXPECT_EQ(M("sinh", -0.5333278326382778), -5.589730211780607E-01);
  EXPECT_EQ(M("acos", 0.3), 1.266103672779499);
  EXPECT_EQ(M("atan", -2.7), -1.2160906747839562);
  // Go's exp reaches subnormals by scaling twice.
  EXPECT_EQ(M("exp", -709), 1.216780750623423E-308);
  EXPECT_EQ(M("exp", -745), 5E-324);
  EXPECT_EQ(M("exp", -746), 0);
  EXPECT_EQ(M("exp", 710), kInf);
  EXPECT_EQ(M("exp", -kInf), 0);
  EXPECT_EQ(M("atan", kInf), 1.5707963267948966);
  EXPECT_TRUE(std::isnan(M("sin", kInf)));
  EXPECT_TRUE(std::isnan(M("cos", -kInf)));
  EXPECT_TRUE(std::signbit(M("sin", -0.0)));
  EXPECT_TRUE(std::signbit(M("tan", -0.0)));
  EXPECT_EQ(M("tanh", -kInf), -1);
  EXPECT_EQ(M("atanh", 1), kInf);
  EXPECT_EQ(M("asinh", -kInf), -kInf);
  EXPECT_EQ(M("acosh", 1), 0);
}

TEST(MathKernels, Sgn) {
  EXPECT_EQ(M("sgn", -0.5), -1);
  EXPECT_EQ(M("sgn", 100), 1);
  EXPECT_EQ(M("sgn", -kInf), -1);
  EXPECT_TRUE(std::signbit(M("sgn", -0.0)));
  EXPECT_EQ(M("sgn", 0.0), 0);
}

TEST(Round, HalfUpToNearest) {
  EXPECT_EQ(Round(0.5, 1), 1);
  EXPECT_EQ(Round(-0.5, 1), 0);
  EXPECT_EQ(Round(-2.5, 1), -2);
  EXPECT_EQ(Round(2.5, 0.3), 2.4);
  EXPECT_EQ(Round(1234, 100), 1200);
  EXPECT_TRUE(std::isnan(Round(kNaN, 1)));
  EXPECT_EQ(Round(kInf, 1), kInf);
  EXPECT_TRUE(std::isnan(Round(1, 0)));  // 1/0 = Inf; Inf/Inf
}

TEST(Clamp, GoMinMaxRules) {
  EXPECT_EQ(Clamp(3, 0, 1), 1);
  EXPECT_EQ(Clamp(-3, 0, 1), 0);
  EXPECT_EQ(Clamp(0.5, 0, 1), 0.5);
  EXPECT_TRUE(std::isnan(Clamp(kNaN, 0, 1)));
  EXPECT_TRUE(std::isnan(Clamp(0.5, kNaN, 1)));
  EXPECT_TRUE(std::isnan(ClampMin(kNaN, 0)));
  EXPECT_EQ(ClampMin(kNaN, kInf), kInf);   // Go: Max(x, +Inf) = +Inf, even for NaN x
  EXPECT_EQ(ClampMax(kNaN, -kInf), -kInf);  // Go: Min(x, -Inf) = -Inf
  EXPECT_EQ(ClampMax(3, 2), 2);
  EXPECT_EQ(ClampMin(3, 4), 4);
  EXPECT_FALSE(std::signbit(GoMax(-0.0, 0.0)));
  EXPECT_TRUE(std::signbit(GoMin(0.0, -0.0)));
}

TEST(DateKernels, OrdinaryTimes) {
  EXPECT_EQ(D("year", 0), 1970);
  EXPECT_EQ(D("month", 0), 1);
  EXPECT_EQ(D("day_of_month", 0), 1);
  EXPECT_EQ(D("day_of_year", 1), 1);
  EXPECT_EQ(D("day_of_week", 0), 4);  // a Thursday
  EXPECT_EQ(D("day_of_week", 3), 4);
  EXPECT_EQ(D("days_in_month", 3), 31);
  EXPECT_EQ(D("days_in_month", 1709251200), 31);  // 2024-03-01
  EXPECT_EQ(D("days_in_month", 1706745600), 29);  // 2024-02-01, leap year
  EXPECT_EQ(D("days_in_month", 4107542400), 31);
  EXPECT_EQ(D("day_of_year", 1735603200), 366);   // 2024-12-31
  EXPECT_EQ(D("year", -62135596801), 0);
  EXPECT_EQ(D("hour", -1.5), 23);  // truncated to -1 s
  EXPECT_EQ(D("hour", 1700000000), 22);
  EXPECT_EQ(D("minute", 1700000000), 13);
}

TEST(DateKernels, FarAndNonFiniteTimesWrapAsGo) {
  EXPECT_EQ(D("year", kNaN), 292277026596);
  EXPECT_EQ(D("year", kInf), 292277026596);
  EXPECT_EQ(D("year", 9.3e18), 292277026596);
  EXPECT_EQ(D("hour", kNaN), 15);
  EXPECT_EQ(D("hour", 1e30), 15);
  EXPECT_EQ(D("minute", kNaN), 30);
  EXPECT_EQ(D("day_of_week", kNaN), 0);
  EXPECT_EQ(D("day_of_week", -kInf), 0);
  EXPECT_EQ(D("month", kNaN), 12);
  EXPECT_EQ(D("day_of_month", kNaN), 4);
  EXPECT_EQ(D("days_in_month", kNaN), 31);
  EXPECT_EQ(D("days_in_month", -1e11), 28);
  EXPECT_EQ(D("year", -1e11), -1199);
  EXPECT_EQ(D("month", -1e15), 6);
  EXPECT_EQ(D("day_of_month", 1e17), 6);
  EXPECT_EQ(D("days_in_month", -1e15), 30);
  EXPECT_EQ(D("minute", 1e18), 46);
}

}  // namespace
}  // namespace pharos::promql
