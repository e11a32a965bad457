// Chunk encoding microbenchmarks: decode and append throughput, and size.
//
//   build/tests/bench/chunk_bench [--benchmark_filter=Decode]
//
// Decoding walks 1000 different 120-sample chunks round-robin so branch
// predictors and caches see realistic variety rather than one chunk.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/decimal_chunk.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {
namespace {

constexpr int kSamplesPerChunk = 120;
constexpr int kChunks = 1000;
constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kStep = 15'000;

// A request counter: Poisson increments, rate drifting within [0, 150].
std::vector<Sample> Counter(uint64_t seed) {
  std::mt19937_64 rng(seed);
  double rate = std::uniform_real_distribution<double>(0, 150)(rng);
  double total = static_cast<double>(rng() % 100000);
  std::vector<Sample> out;
  for (int i = 0; i < kSamplesPerChunk; ++i) {
    rate = std::clamp(rate + std::uniform_real_distribution<double>(-5, 5)(rng), 0.0, 150.0);
    total += static_cast<double>(std::poisson_distribution<int64_t>(rate)(rng));
    out.push_back({kT0 + i * kStep, total});
  }
  return out;
}

// A gauge with three decimals doing a random walk.
std::vector<Sample> Gauge(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> step(-1000, 1000);
  int64_t milli = 50'000;
  std::vector<Sample> out;
  for (int i = 0; i < kSamplesPerChunk; ++i) {
    milli += step(rng);
    out.push_back({kT0 + i * kStep, static_cast<double>(milli) / 1000});
  }
  return out;
}

enum class Data { kCounter, kGauge };
enum class Enc { kXor, kDecimal };

std::vector<std::string> MakeChunks(Data data, Enc enc) {
  std::vector<std::string> chunks;
  for (int i = 0; i < kChunks; ++i) {
    const std::vector<Sample> s = data == Data::kCounter ? Counter(i) : Gauge(i);
    if (enc == Enc::kDecimal) {
      chunks.push_back(*EncodeDecimal(s));
    } else {
      XorChunk c;
      for (const Sample& x : s) c.Append(x.t, x.v);
      chunks.emplace_back(c.bytes());
    }
  }
  return chunks;
}

void SetSize(benchmark::State& state, const std::vector<std::string>& chunks) {
  size_t bytes = 0;
  for (const std::string& c : chunks) bytes += c.size();
  state.counters["bytes/sample"] =
      static_cast<double>(bytes) / (static_cast<double>(kChunks) * kSamplesPerChunk);
}

void BM_Decode(benchmark::State& state, Data data, Enc enc) {
  const std::vector<std::string> chunks = MakeChunks(data, enc);
  ChunkIterator it;
  size_t i = 0;
  int64_t samples = 0;
  for (auto _ : state) {
    it.Reset(chunks[i]);
    i = i + 1 == chunks.size() ? 0 : i + 1;
    double sum = 0;
    while (it.Next()) sum += it.At().v;
    benchmark::DoNotOptimize(sum);
    samples += kSamplesPerChunk;
  }
  if (!it.status().ok()) state.SkipWithError(it.status().ToString().c_str());
  state.SetItemsProcessed(samples);
  SetSize(state, chunks);
}

void BM_DecodeAll(benchmark::State& state, Data data, Enc enc) {
  const std::vector<std::string> chunks = MakeChunks(data, enc);
  std::vector<Sample> out;
  out.reserve(kSamplesPerChunk);
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    DecodeAll(chunks[i], &out).IgnoreError();
    i = i + 1 == chunks.size() ? 0 : i + 1;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSamplesPerChunk);
}

BENCHMARK_CAPTURE(BM_Decode, xor_counter, Data::kCounter, Enc::kXor);
BENCHMARK_CAPTURE(BM_Decode, xor_gauge, Data::kGauge, Enc::kXor);
BENCHMARK_CAPTURE(BM_Decode, decimal_counter, Data::kCounter, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, decimal_gauge, Data::kGauge, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_DecodeAll, xor_counter, Data::kCounter, Enc::kXor);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_counter, Data::kCounter, Enc::kDecimal);

void BM_XorAppend(benchmark::State& state, Data data) {
  std::vector<std::vector<Sample>> series;
  for (int i = 0; i < 64; ++i) series.push_back(data == Data::kCounter ? Counter(i) : Gauge(i));
  size_t i = 0;
  for (auto _ : state) {
    XorChunk c;  // includes the buffer's allocations and growth
    for (const Sample& s : series[i]) c.Append(s.t, s.v);
    i = (i + 1) % series.size();
    benchmark::DoNotOptimize(c.bytes().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSamplesPerChunk);
}
BENCHMARK_CAPTURE(BM_XorAppend, counter, Data::kCounter);
BENCHMARK_CAPTURE(BM_XorAppend, gauge, Data::kGauge);

void BM_EncodeBest(benchmark::State& state, Data data) {
  std::vector<std::vector<Sample>> series;
  for (int i = 0; i < 64; ++i) series.push_back(data == Data::kCounter ? Counter(i) : Gauge(i));
  size_t i = 0;
  for (auto _ : state) {
    std::string encoded = EncodeBest(series[i]);
    i = (i + 1) % series.size();
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSamplesPerChunk);
}
BENCHMARK_CAPTURE(BM_EncodeBest, counter, Data::kCounter);
BENCHMARK_CAPTURE(BM_EncodeBest, gauge, Data::kGauge);

}  // namespace
}  // namespace pharos::tsdb

BENCHMARK_MAIN();
