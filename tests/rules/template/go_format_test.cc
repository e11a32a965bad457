#include "rules/template/go_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pharos::rules::tmpl {
namespace {

std::string F(std::string_view f, std::vector<Value> args) { return GoSprintf(f, args); }

TEST(GoFormat, FloatShortest) {
  EXPECT_EQ(GoFormatValue(Value::Float(1)), "1");
  EXPECT_EQ(GoFormatValue(Value::Float(1.5)), "1.5");
  EXPECT_EQ(GoFormatValue(Value::Float(1e6)), "1e+06");
  EXPECT_EQ(GoFormatValue(Value::Float(123456)), "123456");
  EXPECT_EQ(GoFormatValue(Value::Float(0.0001)), "0.0001");
  EXPECT_EQ(GoFormatValue(Value::Float(0.00001)), "1e-05");
  EXPECT_EQ(GoFormatValue(Value::Float(std::numeric_limits<double>::infinity())), "+Inf");
  EXPECT_EQ(GoFormatValue(Value::Float(std::nan(""))), "NaN");
}

TEST(GoFormat, Printf) {
  EXPECT_EQ(F("%d items", {Value::Int(3)}), "3 items");
  EXPECT_EQ(F("%5d|%-5d|%05d", {Value::Int(42), Value::Int(42), Value::Int(-42)}), "   42|42   |-0042");
  EXPECT_EQ(F("%x %X %#x %o %b", {Value::Int(255), Value::Int(255), Value::Int(255), Value::Int(8), Value::Int(5)}),
            "ff FF 0xff 10 101");
  EXPECT_EQ(F("%.2f", {Value::Float(3.14159)}), "3.14");
  EXPECT_EQ(F("%8.3f|%-8.2f|%+.1f", {Value::Float(3.14159), Value::Float(2.5), Value::Float(1)}),
            "   3.142|2.50    |+1.0");
  EXPECT_EQ(F("%e %E %g", {Value::Float(123456.789), Value::Float(0.5), Value::Float(1e21)}),
            "1.234568e+05 5.000000E-01 1e+21");
  EXPECT_EQ(F("%s=%q", {Value::String("a"), Value::String("b\"c")}), "a=\"b\\\"c\"");
  EXPECT_EQ(F("%t %v %%", {Value::Bool(true), Value::Bool(false)}), "true false %");
  EXPECT_EQ(F("%d", {Value::String("x")}), "%!d(string=x)");
  EXPECT_EQ(F("%s %s", {Value::String("x")}), "x %!s(MISSING)");
  EXPECT_EQ(F("%s", {Value::String("x"), Value::Int(1)}), "x%!(EXTRA int=1)");
  EXPECT_EQ(F("%v", {Value()}), "<nil>");
  EXPECT_EQ(F("%.3s|%6s|%-6s|", {Value::String("abcdef"), Value::String("ab"), Value::String("ab")}),
            "abc|    ab|ab    |");
  EXPECT_EQ(F("%f", {Value::Float(std::numeric_limits<double>::infinity())}), "+Inf");
  EXPECT_EQ(F("%.1f", {Value::Float(0.25)}), "0.2");
  EXPECT_EQ(F("%c%c", {Value::Int('h'), Value::Int(0x4e16)}), "h\xe4\xb8\x96");
}

TEST(GoFormat, Sprint) {
  EXPECT_EQ(GoSprint({Value::Int(1), Value::Int(2), Value::String("a"), Value::Int(3)}), "1 2a3");
  EXPECT_EQ(GoSprintln({Value::Int(1), Value::String("a")}), "1 a\n");
  EXPECT_EQ(GoFormatValue(Value::StringMap({{"b", "2"}, {"a", "1"}})), "map[a:1 b:2]");
}

}  // namespace
}  // namespace pharos::rules::tmpl
