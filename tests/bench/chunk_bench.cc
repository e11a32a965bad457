// Chunk encoding microbenchmarks: decode, encode and append throughput, and
// size; and the WAL record encoding of a remote-write batch.
//
//   build/tests/bench/chunk_bench [--benchmark_filter=Decode]
//
// Decoding and EncodeBest walk 1000 different 120-sample chunks round-robin
// so branch predictors and caches see realistic variety rather than one
// chunk. The machine's load matters: compare runs taken side by side.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/decimal_chunk.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/sample.h"
#include "tsdb/wal/wal_record.h"

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

// A histogram's _sum: increments rounded to 6 decimals added up in floating
// point, so values are decimals plus rounding error.
std::vector<Sample> RunningSum(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  const double rate = 0.5 + 10 * uni(rng);
  double sum = std::round(rate * 86400 * 0.12 * 1e6) / 1e6;
  std::vector<Sample> out;
  for (int i = 0; i < kSamplesPerChunk; ++i) {
    const double count = std::floor(rate * 15 * (0.8 + 0.4 * uni(rng)) + uni(rng));
    sum += std::round(count * 0.12 * (0.7 + 0.6 * uni(rng)) * 1e6) / 1e6;
    out.push_back({kT0 + i * kStep, sum});
  }
  return out;
}

// A float gauge: a random start plus increments rounded to 3 decimals.
std::vector<Sample> FloatWalk(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  double size = 1000 + 4000 * uni(rng);
  std::vector<Sample> out;
  for (int i = 0; i < kSamplesPerChunk; ++i) {
    size += std::round((uni(rng) - 0.5) * 100.0 * 1e3) / 1e3;
    out.push_back({kT0 + i * kStep, size});
  }
  return out;
}

enum class Data { kCounter, kGauge, kStaleCounter, kRunningSum, kFloatWalk };
enum class Enc { kXor, kDecimal };

std::vector<Sample> MakeSeries(Data data, uint64_t seed) {
  switch (data) {
    case Data::kCounter:
      return Counter(seed);
    case Data::kGauge:
      return Gauge(seed);
    case Data::kStaleCounter: {
      std::vector<Sample> s = Counter(seed);
      s.back().v = kStaleNaN;
      return s;
    }
    case Data::kRunningSum:
      return RunningSum(seed);
    case Data::kFloatWalk:
      return FloatWalk(seed);
  }
  return {};
}

std::vector<std::string> MakeChunks(Data data, Enc enc) {
  std::vector<std::string> chunks;
  for (int i = 0; i < kChunks; ++i) {
    const std::vector<Sample> s = MakeSeries(data, i);
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
    const Status s = DecodeAll(chunks[i], &out);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    i = i + 1 == chunks.size() ? 0 : i + 1;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSamplesPerChunk);
  SetSize(state, chunks);
}

BENCHMARK_CAPTURE(BM_Decode, xor_counter, Data::kCounter, Enc::kXor);
BENCHMARK_CAPTURE(BM_Decode, xor_gauge, Data::kGauge, Enc::kXor);
BENCHMARK_CAPTURE(BM_Decode, decimal_counter, Data::kCounter, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, decimal_gauge, Data::kGauge, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, decimal_stale_counter, Data::kStaleCounter, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, decimal_running_sum, Data::kRunningSum, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, decimal_float_walk, Data::kFloatWalk, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_Decode, xor_running_sum, Data::kRunningSum, Enc::kXor);
BENCHMARK_CAPTURE(BM_DecodeAll, xor_counter, Data::kCounter, Enc::kXor);
BENCHMARK_CAPTURE(BM_DecodeAll, xor_gauge, Data::kGauge, Enc::kXor);
BENCHMARK_CAPTURE(BM_DecodeAll, xor_running_sum, Data::kRunningSum, Enc::kXor);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_counter, Data::kCounter, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_gauge, Data::kGauge, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_stale_counter, Data::kStaleCounter, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_running_sum, Data::kRunningSum, Enc::kDecimal);
BENCHMARK_CAPTURE(BM_DecodeAll, decimal_float_walk, Data::kFloatWalk, Enc::kDecimal);

void BM_XorAppend(benchmark::State& state, Data data) {
  std::vector<std::vector<Sample>> series;
  for (int i = 0; i < 64; ++i) series.push_back(MakeSeries(data, i));
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

// The head's pattern: one sample for each of many series per round, so the
// chunks' buffers (50 MB here) are cold. Arg: how many chunks ahead to
// Prefetch(), 0 for none. A chunk is cut at 120 samples, as the head does.
void BM_XorAppendManySeries(benchmark::State& state) {
  constexpr int kSeries = 200'000;
  const int ahead = static_cast<int>(state.range(0));
  std::vector<XorChunk> chunks(kSeries);
  std::vector<double> values(kSeries);
  std::mt19937_64 rng(1);
  int64_t t = kT0;
  const auto round = [&](bool prefetch) {
    t += kStep;
    for (int i = 0; i < kSeries; ++i) {
      if (prefetch && i + ahead < kSeries) chunks[i + ahead].Prefetch();
      values[i] += static_cast<double>(rng() % 64);
      if (chunks[i].num_samples() == kSamplesPerChunk) chunks[i] = XorChunk();
      chunks[i].Append(t, values[i]);
    }
  };
  // Start with chunks at staggered fill levels, as in a running head.
  for (int r = 0; r < kSamplesPerChunk; ++r) {
    t += kStep;
    for (int i = 0; i < kSeries; ++i) {
      if (r >= i % kSamplesPerChunk) chunks[i].Append(t, values[i] += 1);
    }
  }
  for (auto _ : state) round(ahead > 0);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSeries);
}
BENCHMARK(BM_XorAppendManySeries)->Arg(0)->Arg(4)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond);

// A remote-write batch's WAL record (200 series x 10 samples, series by
// series): encoding cost per sample and bytes per sample.
void BM_WalRecordEncode(benchmark::State& state, Data data) {
  std::vector<WalSample> batch;
  for (int s = 0; s < 200; ++s) {
    const std::vector<Sample> series = MakeSeries(data, s);
    for (int i = 0; i < 10; ++i) batch.push_back({static_cast<uint64_t>(s + 1), series[i].t, series[i].v});
  }
  std::string record;
  for (auto _ : state) {
    record.clear();
    EncodeWalRecord(batch, &record);
    benchmark::DoNotOptimize(record.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(batch.size()));
  state.counters["bytes/sample"] = static_cast<double>(record.size()) / static_cast<double>(batch.size());
}
BENCHMARK_CAPTURE(BM_WalRecordEncode, counter, Data::kCounter);
BENCHMARK_CAPTURE(BM_WalRecordEncode, gauge, Data::kGauge);
BENCHMARK_CAPTURE(BM_WalRecordEncode, float_walk, Data::kFloatWalk);

// Reopening open chunks: Restore() from bytes and AppendState() against
// FromBytes(), which decodes.
void BM_XorReopen(benchmark::State& state, bool restore) {
  std::vector<std::string> bytes, states;
  for (int i = 0; i < kChunks; ++i) {
    XorChunk c;
    for (const Sample& s : Counter(i)) c.Append(s.t, s.v);
    bytes.emplace_back(c.bytes());
    states.emplace_back();
    c.AppendState(&states.back());
  }
  size_t i = 0;
  for (auto _ : state) {
    Result<XorChunk> c =
        restore ? XorChunk::Restore(bytes[i], states[i]) : XorChunk::FromBytes(bytes[i]);
    if (!c.ok()) state.SkipWithError(c.status().ToString().c_str());
    benchmark::DoNotOptimize(c->bytes().data());
    i = i + 1 == bytes.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_XorReopen, restore, true);
BENCHMARK_CAPTURE(BM_XorReopen, from_bytes, false);

// EncodeBest over 1000 different chunks round-robin, as when persisting
// many series; reports the chosen encodings' size.
void BM_EncodeBest(benchmark::State& state, Data data) {
  std::vector<std::vector<Sample>> series;
  for (int i = 0; i < kChunks; ++i) series.push_back(MakeSeries(data, i));
  size_t i = 0;
  for (auto _ : state) {
    std::string encoded = EncodeBest(series[i]);
    i = i + 1 == series.size() ? 0 : i + 1;
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSamplesPerChunk);
  std::vector<std::string> chunks;
  for (const std::vector<Sample>& s : series) chunks.push_back(EncodeBest(s));
  SetSize(state, chunks);
}
BENCHMARK_CAPTURE(BM_EncodeBest, counter, Data::kCounter);
BENCHMARK_CAPTURE(BM_EncodeBest, gauge, Data::kGauge);
BENCHMARK_CAPTURE(BM_EncodeBest, stale_counter, Data::kStaleCounter);
BENCHMARK_CAPTURE(BM_EncodeBest, running_sum, Data::kRunningSum);
BENCHMARK_CAPTURE(BM_EncodeBest, float_walk, Data::kFloatWalk);

}  // namespace
}  // namespace pharos::tsdb

BENCHMARK_MAIN();
