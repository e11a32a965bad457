// libFuzzer target for the PromQL parser: any input must parse or fail
// cleanly, and every tree that parses must print to text that parses back to
// an equal tree and prints the same again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "promql/parser.h"
#include "tests/fuzz/promql_roundtrip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string why = pharos::promql::testing::RoundTripProblem(input);
  if (!why.empty()) {
    std::fprintf(stderr, "round trip failed: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
