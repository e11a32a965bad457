#include "server/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace pharos::server {
namespace {

constexpr int64_t kS = 1000;
constexpr int64_t kM = 60 * kS;
constexpr int64_t kH = 60 * kM;
constexpr int64_t kD = 24 * kH;

TEST(ParseDuration, AcceptsPrometheusSyntax) {
  struct Case {
    const char* text;
    int64_t ms;
  };
  const Case cases[] = {
      {"0", 0},
      {"0s", 0},
      {"1ms", 1},
      {"500ms", 500},
      {"1s", kS},
      {"90s", 90 * kS},
      {"5m", 5 * kM},
      {"1h30m", kH + 30 * kM},
      {"2h", 2 * kH},
      {"30d", 30 * kD},
      {"15d12h", 15 * kD + 12 * kH},
      {"1w", 7 * kD},
      {"1y", 365 * kD},
      {"1y2w3d4h5m6s7ms", 365 * kD + 14 * kD + 3 * kD + 4 * kH + 5 * kM + 6 * kS + 7},
      {"100y", 100 * 365 * kD},
      {"007m", 7 * kM},
  };
  for (const Case& c : cases) {
    Result<int64_t> got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.ms) << c.text;
  }
}

TEST(ParseDuration, RejectsGarbage) {
  const char* bad[] = {"",     "3x",   "d",    "1",    "1.5h", "-1d", "+1d", " 1d",
                       "1d ",  "1h1d", "1s1m", "1m1m", "1dd",  "1D",  "1H",  "ms",
                       "1mss", "1 s",  "1µs",  "1ns",  "1us",  "abc", "1h-", "0x10s"};
  for (const char* text : bad) {
    Result<int64_t> got = ParseDuration(text);
    EXPECT_FALSE(got.ok()) << "\"" << text << "\" parsed as " << (got.ok() ? *got : 0);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(ParseDuration, EmptyHasItsOwnMessage) {
  EXPECT_EQ(ParseDuration("").status().message(), "empty duration string");
  EXPECT_EQ(ParseDuration("3x").status().message(), "not a valid duration string: \"3x\"");
}

TEST(ParseDuration, RejectsOverflow) {
  // Prometheus durations are int64 nanoseconds: about 292 years.
  EXPECT_TRUE(ParseDuration("292y").ok());
  EXPECT_FALSE(ParseDuration("293y").ok());
  EXPECT_FALSE(ParseDuration("99999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("9223372036854775807ms").ok());
  EXPECT_NE(ParseDuration("293y").status().message().find("out of range"), std::string::npos);
  // The sum overflows even though each part fits.
  EXPECT_FALSE(ParseDuration("292y52w").ok());
}

TEST(FormatDuration, PrintsLikePrometheus) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(30 * kD), "30d");
  EXPECT_EQ(FormatDuration(90 * kD), "90d");  // not 12w6d
  EXPECT_EQ(FormatDuration(14 * kD), "2w");
  EXPECT_EQ(FormatDuration(365 * kD), "1y");
  EXPECT_EQ(FormatDuration(15 * kD + 12 * kH), "15d12h");
  EXPECT_EQ(FormatDuration(kH + 30 * kM + 500), "1h30m500ms");
}

TEST(FormatDuration, RoundTrips) {
  for (int64_t ms : {int64_t{1}, kS, 61 * kS, kD + 1, 400 * kD, 3 * 365 * kD + 7 * kD}) {
    Result<int64_t> back = ParseDuration(FormatDuration(ms));
    ASSERT_TRUE(back.ok()) << FormatDuration(ms);
    EXPECT_EQ(*back, ms);
  }
}

TEST(ParseByteSize, UsesPowersOf1024) {
  struct Case {
    const char* text;
    uint64_t bytes;
  };
  const Case cases[] = {
      {"0", 0},
      {"0B", 0},
      {"1B", 1},
      {"1KB", 1024},
      {"1KiB", 1024},
      {"512MB", 512ULL << 20},
      {"1GB", 1ULL << 30},
      {"1.5GB", 3ULL << 29},
      {"2TB", 2ULL << 40},
      {"1PB", 1ULL << 50},
      {"15EB", 15ULL << 60},
      {".5KB", 512},
  };
  for (const Case& c : cases) {
    Result<uint64_t> got = ParseByteSize(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.bytes) << c.text;
  }
}

TEST(ParseByteSize, RejectsBadInput) {
  const char* bad[] = {"",
                       "100",
                       "-1GB",
                       "1XB",
                       "GB",
                       "1 GB",
                       "1gb",
                       "1.GB",
                       "1GBB",
                       "16EB",
                       "99999999999999999999B",
                       "1.5"};
  for (const char* text : bad) {
    Result<uint64_t> got = ParseByteSize(text);
    EXPECT_FALSE(got.ok()) << "\"" << text << "\" parsed as " << (got.ok() ? *got : 0);
  }
  EXPECT_NE(ParseByteSize("100").status().message().find("missing unit"), std::string::npos);
}

TEST(FormatByteSize, PicksTheLargestExactUnit) {
  EXPECT_EQ(FormatByteSize(0), "0B");
  EXPECT_EQ(FormatByteSize(1000), "1000B");
  EXPECT_EQ(FormatByteSize(1024), "1KB");
  EXPECT_EQ(FormatByteSize(512ULL << 20), "512MB");
  EXPECT_EQ(FormatByteSize(3ULL << 29), "1536MB");
  Result<uint64_t> back = ParseByteSize(FormatByteSize(3ULL << 29));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, 3ULL << 29);
}

}  // namespace
}  // namespace pharos::server
