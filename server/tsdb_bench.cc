#include "server/tsdb_bench.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/bench_series_model.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Resident set size of this process, from /proc.
uint64_t RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      uint64_t kb;
      in >> kb;
      return kb * 1024;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

struct BenchArgs {
  int series = 100000;
  int scrapes = 720;
  int targets = 10;
  int64_t interval_ms = 15000;
  int checkpoint_every = 20;  // scrapes: the server's 5-minute checkpoints at 15 s
  std::string out = "benchout";
};

bool ParseArgs(const std::vector<std::string>& args, BenchArgs* a) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      std::fprintf(stderr, "pharos tsdb bench: flag %s needs a value\n", name.c_str());
      return false;
    }
    try {
      if (name == "--series") a->series = std::stoi(value);
      else if (name == "--scrapes") a->scrapes = std::stoi(value);
      else if (name == "--targets") a->targets = std::stoi(value);
      else if (name == "--interval-ms") a->interval_ms = std::stoll(value);
      else if (name == "--out") a->out = value;
      else if (name == "--checkpoint-every") a->checkpoint_every = std::stoi(value);
      else {
        std::fprintf(stderr, "pharos tsdb bench: unknown flag %s\n", name.c_str());
        return false;
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "pharos tsdb bench: bad value %s for %s\n", value.c_str(),
                   name.c_str());
      return false;
    }
  }
  if (a->series < 20 || a->scrapes < 2 || a->targets < 1 || a->interval_ms < 1 ||
      a->checkpoint_every < 1 || a->out.empty()) {
    std::fprintf(stderr, "pharos tsdb bench: need --series >= 20, --scrapes >= 2, --out DIR\n");
    return false;
  }
  return true;
}

int Fail(const char* what, const Status& s) {
  std::fprintf(stderr, "pharos tsdb bench: %s: %s\n", what, s.ToString().c_str());
  return 1;
}

}  // namespace

int RunTsdbBench(const std::vector<std::string>& args) {
  BenchArgs a;
  if (!ParseArgs(args, &a)) {
    std::fprintf(stderr,
                 "usage: pharos tsdb bench [--series N] [--scrapes M] [--targets T] "
                 "[--interval-ms MS] [--checkpoint-every SCRAPES] [--out DIR]\n");
    return 2;
  }
  std::error_code ec;
  std::filesystem::remove_all(a.out, ec);
  std::filesystem::create_directories(a.out, ec);
  if (ec) return Fail("creating output dir", IOError(ec.message()));

  BenchSeriesModel model(a.series, a.targets);
  const auto& labels = model.labels();
  const size_t n = labels.size();
  std::vector<tsdb::SeriesRef> refs(n, 0);
  std::vector<double> values;
  malloc_trim(0);
  const uint64_t rss_before = RssBytes();

  // Maintenance runs between scrapes on this thread, outside the timed
  // appends: every 8 scrapes like the server's background round, and a
  // checkpoint every --checkpoint-every scrapes like its 5-minute one.
  tsdb::DbOptions opts;
  opts.path = a.out + "/db";
  opts.background = false;
  const std::string crash_dir = a.out + "/crash";
  auto opened = tsdb::Db::Open(opts);
  if (!opened.ok()) return Fail("opening", opened.status());
  std::unique_ptr<tsdb::Db> db = std::move(opened).value();

  // Appends grouped by instance, one commit per instance, like scrapes.
  const int64_t start = 1'700'000'000'000;  // fixed: runs are comparable
  Clock::duration append_time{}, first_time{};
  for (int s = 0; s < a.scrapes; ++s) {
    model.Step(a.interval_ms / 1000.0, &values);
    const int64_t t = start + s * a.interval_ms;
    auto begin = Clock::now();
    size_t i = 0;
    while (i < n) {
      int target = model.target_of()[i];
      auto app = db->NewAppender();
      for (; i < n && model.target_of()[i] == target; ++i) {
        auto ref = app->Append(refs[i], labels[i], t, values[i]);
        if (!ref.ok()) return Fail("append", ref.status());
        refs[i] = *ref;
      }
      if (Status c = app->Commit(); !c.ok()) return Fail("commit", c);
    }
    (s == 0 ? first_time : append_time) += Clock::now() - begin;
    // Checkpoints are placed so the last one is --checkpoint-every scrapes
    // before the end: the crash image below then holds that much WAL.
    const int to_go = a.scrapes - 1 - s;
    const bool checkpoint = to_go > 0 && to_go % a.checkpoint_every == 0;
    if (s % 8 == 7 || checkpoint) {
      if (Status m = db->Maintain(checkpoint); !m.ok()) return Fail("maintenance", m);
    }
  }
  // What a kill -9 now would leave: WAL records since the last checkpoint.
  if (Status c = db->Snapshot(crash_dir); !c.ok()) return Fail("snapshot", c);
  const uint64_t samples = n * static_cast<uint64_t>(a.scrapes);
  const double append_rate = double(n) * (a.scrapes - 1) / Seconds(append_time);
  std::printf("append: %zu series x %d scrapes; new series %.0f series/s; existing series "
              "%.0f samples/s\n",
              n, a.scrapes, n / Seconds(first_time), append_rate);

  if (Status s = db->Maintain(true); !s.ok()) return Fail("maintenance", s);
  malloc_trim(0);
  const double rss_per_series = double(RssBytes() - rss_before) / double(n);
  std::printf("memory: %.0f bytes RSS per active series\n", rss_per_series);

  // Decode every sample through the query interface.
  auto begin = Clock::now();
  uint64_t decoded = 0;
  {
    auto q = db->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime);
    if (!q.ok()) return Fail("querier", q.status());
    auto m = tsdb::Matcher::Make(tsdb::MatchType::kEqual, "job", "bench");
    auto set = (*q)->Select({}, {*m});
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) ++decoded;
      if (!it->status().ok()) return Fail("decoding", it->status());
    }
    if (!set->status().ok()) return Fail("select", set->status());
  }
  const double decode_rate = decoded / Seconds(Clock::now() - begin);
  if (decoded != samples) {
    std::fprintf(stderr, "pharos tsdb bench: read back %llu samples, wrote %llu\n",
                 static_cast<unsigned long long>(decoded),
                 static_cast<unsigned long long>(samples));
    return 1;
  }
  std::printf("decode: %.0f samples/s over all series\n", decode_rate);

  begin = Clock::now();
  if (Status s = db->Close(); !s.ok()) return Fail("close", s);
  const double close = Seconds(Clock::now() - begin);
  db.reset();
  begin = Clock::now();
  opened = tsdb::Db::Open(opts);
  if (!opened.ok()) return Fail("reopening", opened.status());
  db = std::move(opened).value();
  const double clean_reopen = Seconds(Clock::now() - begin);
  std::printf("restart: close %.2f s, reopen %.2f s with %llu head series\n", close,
              clean_reopen, static_cast<unsigned long long>(db->Stats().head_series));
  if (Status s = db->Compact(); !s.ok()) return Fail("compact", s);
  const double bytes_per_sample = double(db->DiskBytes()) / double(samples);
  std::printf("disk: %.3f bytes per sample (%llu bytes) after compaction\n", bytes_per_sample,
              static_cast<unsigned long long>(db->DiskBytes()));
  if (Status s = db->Close(); !s.ok()) return Fail("close", s);
  db.reset();

  // Crash recovery: open the image taken before the final checkpoint, which
  // replays the WAL written since the previous one.
  tsdb::DbOptions crash_opts = opts;
  crash_opts.path = crash_dir;
  begin = Clock::now();
  opened = tsdb::Db::Open(crash_opts);
  if (!opened.ok()) return Fail("opening crash image", opened.status());
  const double reopen = Seconds(Clock::now() - begin);
  const uint64_t wal_records = (*opened)->Stats().wal_records;
  std::printf("crash reopen: %.2f s replaying %llu WAL records (%d scrapes) with %llu series\n",
              reopen, static_cast<unsigned long long>(wal_records),
              std::min(a.checkpoint_every, a.scrapes),
              static_cast<unsigned long long>((*opened)->Stats().head_series));
  opened->reset();

  std::printf("bench: samples_per_sec=%.0f bytes_per_sample=%.3f rss_bytes_per_series=%.0f "
              "decode_samples_per_sec=%.0f reopen_seconds=%.3f\n",
              append_rate, bytes_per_sample, rss_per_series, decode_rate, reopen);
  return 0;
}

}  // namespace pharos::server
