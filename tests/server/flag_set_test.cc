#include "server/flag_set.h"

#include <gtest/gtest.h>

#include <string>

namespace pharos::server {
namespace {

TEST(FlagSet, CustomFlagsAndValues) {
  int n = 3;
  std::string mode = "a";
  FlagSet set("tool", "A tool.");
  set.Custom(
      "n", "A number.", "<int>",
      [&n](std::string_view v) {
        if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) {
          return InvalidArgumentError("not a number");
        }
        n = std::stoi(std::string(v));
        return Status::Ok();
      },
      [&n] { return std::to_string(n); });
  set.Enum("mode", "A mode.", {"a", "b"}, &mode);
  ASSERT_TRUE(set.Parse({"--n", "42", "--mode=b"}).ok());
  EXPECT_EQ(n, 42);
  EXPECT_EQ(mode, "b");
  Status bad = set.Parse({"--mode=c"});
  EXPECT_EQ(bad.message(), "invalid value \"c\" for flag --mode: must be one of a, b");
  EXPECT_EQ(set.Parse({"--n=x"}).message(), "invalid value \"x\" for flag --n: not a number");
  EXPECT_NE(set.Help().find("--n=\"3\""), std::string::npos) << set.Help();
  // -h means nothing without a help flag.
  EXPECT_FALSE(set.Parse({"-h"}).ok());
}

}  // namespace
}  // namespace pharos::server
