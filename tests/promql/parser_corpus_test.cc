// Every file of the parser fuzzer's seed corpus (tests/fuzz/corpus/promql)
// goes through the fuzz target's round-trip check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/promql_roundtrip.h"

namespace pharos::promql {
namespace {

TEST(ParserCorpus, EveryCorpusFileRoundTrips) {
  std::filesystem::path dir =
      std::filesystem::path(PHAROS_PROMQL_TESTDATA) / ".." / ".." / "fuzz" / "corpus" / "promql";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    EXPECT_EQ(testing::RoundTripProblem(buf.str()), "") << entry.path();
    ++files;
  }
  EXPECT_GT(files, 100);
}

}  // namespace
}  // namespace pharos::promql
