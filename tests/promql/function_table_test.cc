#include "promql/function_table.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pharos::promql {
namespace {

TEST(FunctionTable, LooksUpByName) {
  const FunctionInfo* rate = LookupFunction("rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->arg_types, std::vector<ValueType>{ValueType::kMatrix});
  EXPECT_EQ(rate->return_type, ValueType::kVector);
  EXPECT_EQ(LookupFunction("no_such_function"), nullptr);
  EXPECT_EQ(LookupFunction("Rate"), nullptr);  // names are case-sensitive
}

TEST(FunctionTable, SignaturesOfSpecialCases) {
  EXPECT_EQ(LookupFunction("time")->return_type, ValueType::kScalar);
  EXPECT_EQ(LookupFunction("scalar")->return_type, ValueType::kScalar);
  EXPECT_EQ(LookupFunction("label_join")->variadic, -1);
  EXPECT_EQ(LookupFunction("round")->variadic, 1);
  EXPECT_EQ(LookupFunction("hour")->variadic, 1);
  EXPECT_TRUE(LookupFunction("pi")->arg_types.empty());
}

TEST(FunctionTable, AllIsSortedAndComplete) {
  const auto& all = AllFunctions();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const auto* a, const auto* b) { return a->name < b->name; }));
  for (const char* name : {"abs", "absent_over_time", "histogram_quantile", "holt_winters",
                           "present_over_time", "last_over_time", "quantile_over_time", "sgn",
                           "atanh", "deg", "rad", "days_in_month", "clamp", "sort_desc"}) {
    EXPECT_NE(LookupFunction(name), nullptr) << name;
  }
}

}  // namespace
}  // namespace pharos::promql
