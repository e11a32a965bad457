// tsdb_crash_writer: the process crash_test.cc kills. Opens a Db with
// background maintenance running often (so chunks are persisted, partitions
// closed, checkpoints taken and the WAL truncated while it writes), resumes
// after the newest stored sample, and appends one batch per timestamp over
// every series of crash_workload.h. After each successful Commit it prints
//
//   acked <batch_no> <t>
//
// and flushes stdout, so everything the checker reads was durable first.
//
//   tsdb_crash_writer --dir=DIR [--step=MS] [--sleep-us=N] [--fsync]
//                     [--max-batches=N]
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tests/tsdb/crash_workload.h"
#include "tsdb/db.h"

namespace pharos::tsdb::crash {
namespace {

struct Flags {
  std::string dir;
  int64_t step = 15'000;
  int sleep_us = 250;
  bool fsync = false;
  int64_t max_batches = 1'000'000;
};

bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      return a.starts_with(name) ? argv[i] + name.size() : nullptr;
    };
    if (const char* v = value("--dir=")) {
      f->dir = v;
    } else if (const char* v = value("--step=")) {
      f->step = std::strtoll(v, nullptr, 10);
    } else if (const char* v = value("--sleep-us=")) {
      f->sleep_us = std::atoi(v);
    } else if (const char* v = value("--max-batches=")) {
      f->max_batches = std::strtoll(v, nullptr, 10);
    } else if (a == "--fsync") {
      f->fsync = true;
    } else {
      std::fprintf(stderr, "tsdb_crash_writer: unknown flag %s\n", argv[i]);
      return false;
    }
  }
  return !f->dir.empty() && f->step > 0;
}

// The newest timestamp stored for any workload series, or kMinTime.
Result<int64_t> LastStored(Db& db) {
  ASSIGN_OR_RETURN(auto q, db.NewQuerier(kMinTime, kMaxTime));
  auto set = q->Select({}, {*Matcher::Make(MatchType::kEqual, "__name__", kMetric)});
  int64_t last = kMinTime;
  while (set->Next()) {
    auto it = set->At().Iterator();
    while (it->Next()) last = std::max(last, it->At().t);
    RETURN_IF_ERROR(it->status());
  }
  RETURN_IF_ERROR(set->status());
  return last;
}

int Run(const Flags& f) {
  DbOptions o;
  o.path = f.dir;
  o.background = true;
  o.maintenance_interval_ms = 100;
  o.checkpoint_interval_ms = 400;
  o.wal_fsync = f.fsync;
  o.retention_ms = 0;  // the checker expects every acknowledged sample forever
  auto db = Db::Open(o);
  if (!db.ok()) {
    std::fprintf(stderr, "tsdb_crash_writer: open: %s\n", db.status().ToString().c_str());
    return 2;
  }
  auto last = LastStored(**db);
  if (!last.ok()) {
    std::fprintf(stderr, "tsdb_crash_writer: reading: %s\n", last.status().ToString().c_str());
    return 2;
  }
  int64_t t = *last == kMinTime ? kStart : *last + f.step;
  std::printf("start %" PRId64 "\n", t);
  std::fflush(stdout);

  std::vector<Labels> labels;
  for (int s = 0; s < kSeries; ++s) labels.push_back(SeriesLabels(s));
  std::vector<SeriesRef> refs(kSeries, 0);
  for (int64_t batch = 1; batch <= f.max_batches; ++batch, t += f.step) {
    auto app = (*db)->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      auto ref = app->Append(refs[s], labels[s], t, Value(s, t));
      if (!ref.ok()) {
        std::fprintf(stderr, "tsdb_crash_writer: append %d at %" PRId64 ": %s\n", s, t,
                     ref.status().ToString().c_str());
        return 3;
      }
      refs[s] = *ref;
    }
    Status st = app->Commit();
    if (!st.ok()) {
      std::fprintf(stderr, "tsdb_crash_writer: commit at %" PRId64 ": %s\n", t,
                   st.ToString().c_str());
      return 3;
    }
    std::printf("acked %" PRId64 " %" PRId64 "\n", batch, t);
    std::fflush(stdout);
    if (f.sleep_us > 0) usleep(static_cast<useconds_t>(f.sleep_us));
  }
  Status st = (*db)->Close();
  if (!st.ok()) {
    std::fprintf(stderr, "tsdb_crash_writer: close: %s\n", st.ToString().c_str());
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace pharos::tsdb::crash

int main(int argc, char** argv) {
  pharos::tsdb::crash::Flags flags;
  if (!pharos::tsdb::crash::ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr,
                 "usage: tsdb_crash_writer --dir=DIR [--step=MS] [--sleep-us=N] [--fsync] "
                 "[--max-batches=N]\n");
    return 1;
  }
  return pharos::tsdb::crash::Run(flags);
}
