// Concurrency: appenders, queriers, maintenance and deletes on one Db at
// once, for a bounded time. Queriers check everything they read as they go
// (order, values recomputed from labels and time, statuses); at the end
// every committed sample must be readable, before and after a restart.
//
// The same source also builds as tsdb_concurrency_test_tsan, with the
// engine compiled under ThreadSanitizer (ctest label `tsan`).
// PHAROS_CONCURRENCY_SECONDS overrides the duration (default 6).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/tsdb/db_test_util.h"
#include "tsdb/db.h"

namespace pharos::tsdb {
namespace {

using std::chrono::steady_clock;
using testing::Collect;
using testing::M;
using testing::MustOpen;
using testing::SeriesSamples;
using testing::TempDir;
using testing::TestOptions;

constexpr int kAppenders = 3;
constexpr int kOwnSeries = 20;
constexpr int kShared = 10;
constexpr int64_t kStep = 5'000;  // per batch, from one clock shared by all appenders
constexpr int64_t kStart = 1'700'000'000'000;

// Every sample's value follows from its series and time, so readers can
// check anything they see.
double Value(const Labels& labels, int64_t t) {
  uint64_t h = labels.Hash() ^ (static_cast<uint64_t>(t) * 0x9e3779b97f4a7c15ULL);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  if (h % 97 == 0) return kStaleNaN;
  return static_cast<double>(h >> 11) / 8.0;
}

Labels Own(int thread, const std::string& s) {
  return Labels({{"__name__", "conc"}, {"thread", std::to_string(thread)}, {"s", s}});
}
Labels Shared(int j) { return Labels({{"__name__", "conc"}, {"shared", std::to_string(j)}}); }
Labels Victim(int thread) {
  return Labels({{"__name__", "conc_victim"}, {"thread", std::to_string(thread)}});
}

// What an appender thread committed to its own series.
struct AppenderLog {
  std::map<Labels, std::vector<Sample>> committed;
  uint64_t batches = 0, rollbacks = 0;
  uint64_t out_of_bounds = 0;  // refused at Append
  std::string error;           // first unexpected failure
};

void AppendLoop(Db& db, int thread, std::atomic<int64_t>& clock, std::atomic<bool>& stop,
              AppenderLog* log) {
  std::mt19937_64 rng(thread * 7919 + 1);
  std::vector<Labels> own;
  std::vector<SeriesRef> refs;
  for (int i = 0; i < kOwnSeries; ++i) own.push_back(Own(thread, std::to_string(i)));
  refs.resize(own.size(), 0);
  while (!stop.load(std::memory_order_relaxed) && log->error.empty()) {
    int64_t t = clock.fetch_add(kStep);
    auto app = db.NewAppender();
    std::vector<std::pair<size_t, Sample>> pending;
    for (size_t i = 0; i < own.size(); ++i) {
      double v = Value(own[i], t);
      auto ref = app->Append(refs[i], own[i], t, v);
      if (ref.ok()) {
        refs[i] = *ref;
        pending.push_back({i, {t, v}});
      } else if (ref.status().message().find("out of bounds") != std::string::npos) {
        // The thread fell more than the out-of-bounds window behind the
        // others (it was descheduled); its sample is refused, rightly.
        ++log->out_of_bounds;
      } else {
        log->error = own[i].ToString() + ": " + ref.status().ToString();
        return;
      }
    }
    // Series every appender writes: created by whoever comes first, and
    // refused as out of order when another thread already wrote later.
    for (int k = 0, n = static_cast<int>(rng() % 3); k < n; ++k) {
      Labels s = Shared(static_cast<int>(rng() % kShared));
      app->Append(0, s, t, Value(s, t)).IgnoreError();
    }
    Labels victim = Victim(thread);
    app->Append(0, victim, t, Value(victim, t)).IgnoreError();
    if (rng() % 50 == 0) {
      Status st = app->Rollback();
      if (!st.ok()) log->error = "rollback: " + st.ToString();
      ++log->rollbacks;
      continue;
    }
    Status st = app->Commit();
    if (!st.ok()) {
      log->error = "commit: " + st.ToString();
      return;
    }
    for (auto& [i, s] : pending) log->committed[own[i]].push_back(s);
    ++log->batches;
    // Now and then a new series, created while everyone else is busy.
    if (log->batches % 300 == 0) {
      own.push_back(Own(thread, "new" + std::to_string(log->batches)));
      refs.push_back(0);
    }
  }
}

// Checks one Select result as a reader sees it; "" when fine.
std::string CheckRead(const std::vector<SeriesSamples>& got, int64_t mint, int64_t maxt) {
  for (size_t i = 0; i < got.size(); ++i) {
    const SeriesSamples& s = got[i];
    if (i > 0 && !(got[i - 1].labels < s.labels)) {
      return "series out of order: " + got[i - 1].labels.ToString() + " then " +
             s.labels.ToString();
    }
    for (size_t j = 0; j < s.samples.size(); ++j) {
      const Sample& x = s.samples[j];
      if (x.t < mint || x.t > maxt) return s.labels.ToString() + ": sample outside the range";
      if (j > 0 && s.samples[j - 1].t >= x.t) return s.labels.ToString() + ": time order";
      if (!(x == Sample{x.t, Value(s.labels, x.t)})) {
        return s.labels.ToString() + ": wrong value at " + std::to_string(x.t);
      }
    }
  }
  return "";
}

struct ReaderLog {
  uint64_t selects = 0, samples = 0, label_queries = 0;
  std::string error;
};

void ReadLoop(Db& db, int id, std::atomic<int64_t>& clock, std::atomic<bool>& stop,
            ReaderLog* log) {
  std::mt19937_64 rng(id * 104729 + 3);
  while (!stop.load(std::memory_order_relaxed) && log->error.empty()) {
    int64_t now = clock.load();
    int64_t span = static_cast<int64_t>(rng() % (4 * 3600 * 1000));
    int64_t mint = rng() % 4 == 0 ? kMinTime : now - span;
    int64_t maxt = rng() % 2 == 0 ? kMaxTime : now - span / 2;
    std::vector<Matcher> ms;
    switch (rng() % 5) {
      case 0: ms = {M(MatchType::kEqual, "thread", std::to_string(rng() % kAppenders))}; break;
      case 1: ms = {M(MatchType::kRegexMatch, "shared", ".+")}; break;
      case 2: ms = {M(MatchType::kEqual, "__name__", "conc_victim")}; break;
      case 3:
        ms = {M(MatchType::kEqual, "__name__", "conc"), M(MatchType::kNotEqual, "s", "3")};
        break;
      default: ms = {M(MatchType::kRegexMatch, "s", "1.*|new.*")}; break;
    }
    if (rng() % 3 == 0) {
      auto q = db.NewQuerier(mint, maxt);
      if (!q.ok()) {
        log->error = "querier: " + q.status().ToString();
        return;
      }
      auto values = rng() % 2 == 0
                        ? (*q)->LabelValues("thread", rng() % 2 ? ms : std::vector<Matcher>{})
                        : (*q)->LabelNames(ms);
      if (!values.ok()) {
        log->error = "label query: " + values.status().ToString();
        return;
      }
      if (!std::is_sorted(values->begin(), values->end())) log->error = "labels not sorted";
      ++log->label_queries;
      continue;
    }
    auto got = Collect(db, ms, mint, maxt);
    if (!got.ok()) {
      log->error = "select: " + got.status().ToString();
      return;
    }
    log->error = CheckRead(*got, mint, maxt);
    ++log->selects;
    for (const SeriesSamples& s : *got) log->samples += s.samples.size();
  }
}

struct MaintainerLog {
  uint64_t rounds = 0, deletes = 0;
  std::string error;
};

void MaintainLoop(Db& db, std::atomic<int64_t>& clock, std::atomic<bool>& stop,
                MaintainerLog* log) {
  std::mt19937_64 rng(42);
  while (!stop.load(std::memory_order_relaxed) && log->error.empty()) {
    Status st = db.Maintain(rng() % 2 == 0);
    if (!st.ok()) {
      log->error = "maintain: " + st.ToString();
      return;
    }
    ++log->rounds;
    if (rng() % 10 == 0) {
      // Only the victim series lose data; the final check skips them.
      int64_t now = clock.load();
      int64_t from = now - static_cast<int64_t>(rng() % (3 * 3600 * 1000));
      st = db.DeleteSeries({M(MatchType::kEqual, "__name__", "conc_victim")}, from,
                           from + static_cast<int64_t>(rng() % (3600 * 1000)));
      if (!st.ok()) {
        log->error = "delete: " + st.ToString();
        return;
      }
      ++log->deletes;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
  }
}

// Every committed sample of the appenders' own series is stored, and
// nothing else is: at most `dropped` samples may be missing, those the
// engine counted as out of bounds at Commit (a thread descheduled between
// Append and Commit while a partition closed).
void ExpectCommitted(Db& db, const std::vector<AppenderLog>& logs, uint64_t dropped) {
  uint64_t missing = 0, total = 0;
  std::map<int64_t, int> missing_at;            // t - kStart -> samples missing then
  std::map<std::string, int> missing_in;        // series -> samples missing
  std::string probe;  // the first missing sample, read again on its own
  for (int k = 0; k < kAppenders; ++k) {
    auto got = Collect(db, {M(MatchType::kEqual, "thread", std::to_string(k)),
                            M(MatchType::kEqual, "__name__", "conc")});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::map<Labels, std::vector<Sample>> stored;
    for (SeriesSamples& s : *got) stored[s.labels] = std::move(s.samples);
    for (const auto& [labels, want] : logs[k].committed) {
      const std::vector<Sample>& have = stored[labels];
      total += want.size();
      // Stored samples are a subsequence of the committed ones.
      size_t j = 0;
      auto lost = [&](const Sample& w) {
        ++missing_at[w.t - kStart];
        ++missing_in[labels.ToString()];
        if (!probe.empty()) return;
        // Lost, or only missed by the broad query? Ask for it alone.
        std::vector<Matcher> ms;
        for (const Label& l : labels) ms.push_back(M(MatchType::kEqual, l.name, l.value));
        auto alone = Collect(db, ms, w.t, w.t);
        auto all = Collect(db, ms);
        probe = "; " + labels.ToString() + " at " + std::to_string(w.t - kStart) + " read alone: " +
                (alone.ok() ? std::to_string(alone->empty() ? 0 : alone->front().samples.size())
                            : alone.status().ToString()) +
                " sample(s), whole series: " +
                (all.ok() ? std::to_string(all->empty() ? 0 : all->front().samples.size())
                          : all.status().ToString()) +
                " of " + std::to_string(want.size());
      };
      for (const Sample& s : have) {
        for (; j < want.size() && want[j].t < s.t; ++j) lost(want[j]);
        ASSERT_TRUE(j < want.size() && want[j] == s)
            << labels.ToString() << ": stored sample at " << s.t << " was never committed";
        ++j;
      }
      for (; j < want.size(); ++j) lost(want[j]);
      missing += want.size() - have.size();
    }
    for (const auto& [labels, have] : stored) {
      ASSERT_TRUE(logs[k].committed.count(labels) || have.empty())
          << labels.ToString() << " was never committed";
    }
  }
  std::string where;
  for (auto [t, n] : missing_at) {
    if (where.size() < 1500) where += " " + std::to_string(t) + "x" + std::to_string(n);
  }
  where += "; by series:";
  for (const auto& [series, n] : missing_in) {
    if (where.size() < 3000) where += " " + series + "x" + std::to_string(n);
  }
  EXPECT_LE(missing, dropped) << missing << " of " << total
                              << " committed samples missing" << probe
                              << "; at (t - start)x(count):" << where;
}

int Seconds() {
  const char* env = std::getenv("PHAROS_CONCURRENCY_SECONDS");
  int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : 6;
}

TEST(Concurrency, AppendQueryMaintainAndDeleteTogether) {
  TempDir dir;
  DbOptions o = TestOptions(dir.path());
  o.retention_ms = 0;
  // The background thread runs too, against the explicit Maintain() calls.
  o.background = true;
  o.maintenance_interval_ms = 50;
  o.checkpoint_interval_ms = 200;
  o.max_samples_per_chunk = 30;
  auto db = MustOpen(o);
  ASSERT_NE(db, nullptr);

  std::atomic<int64_t> clock{kStart};
  std::atomic<bool> stop{false};
  std::vector<AppenderLog> appenders(kAppenders);
  std::vector<ReaderLog> readers(2);
  MaintainerLog maintainer;
  std::vector<std::thread> threads;
  for (int k = 0; k < kAppenders; ++k) {
    threads.emplace_back(AppendLoop, std::ref(*db), k, std::ref(clock), std::ref(stop),
                         &appenders[k]);
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back(ReadLoop, std::ref(*db), r, std::ref(clock), std::ref(stop),
                         &readers[r]);
  }
  threads.emplace_back(MaintainLoop, std::ref(*db), std::ref(clock), std::ref(stop),
                       &maintainer);
  auto deadline = steady_clock::now() + std::chrono::seconds(Seconds());
  while (steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  for (std::thread& t : threads) t.join();

  uint64_t batches = 0, append_oob = 0;
  for (const AppenderLog& a : appenders) {
    EXPECT_EQ(a.error, "");
    batches += a.batches;
    append_oob += a.out_of_bounds;
  }
  for (const ReaderLog& r : readers) EXPECT_EQ(r.error, "");
  EXPECT_EQ(maintainer.error, "");
  DbStats st = db->Stats();
  uint64_t dropped = st.rejections.out_of_bounds - append_oob;
  std::printf(
      "concurrency: %" PRIu64 " batches over %.1f h of data, %" PRIu64 " selects (%" PRIu64
      " samples), %" PRIu64 " label queries, %" PRIu64 " maintenance rounds, %" PRIu64
      " deletes; out of order %" PRIu64 ", out of bounds %" PRIu64 " at Append + %" PRIu64
      " at Commit\n",
      batches, static_cast<double>(clock.load() - kStart) / 3.6e6,
      readers[0].selects + readers[1].selects, readers[0].samples + readers[1].samples,
      readers[0].label_queries + readers[1].label_queries, maintainer.rounds,
      maintainer.deletes, st.rejections.out_of_order, append_oob, dropped);
  // Everyone got to work (few rounds on an overloaded machine, but some).
  EXPECT_GT(batches, 10u);
  EXPECT_GT(readers[0].selects + readers[1].selects, 0u);
  EXPECT_GT(maintainer.rounds, 0u);
  EXPECT_EQ(st.rejections.invalid_labels, 0u);

  ExpectCommitted(*db, appenders, dropped);
  ASSERT_TRUE(db->Close().ok());
  db.reset();
  db = MustOpen(o);
  ASSERT_NE(db, nullptr);
  ExpectCommitted(*db, appenders, dropped);
  // Shared and victim series hold only values that were written.
  auto rest = Collect(*db, {M(MatchType::kRegexMatch, "__name__", "conc.*")});
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(CheckRead(*rest, kMinTime, kMaxTime), "");
}

}  // namespace
}  // namespace pharos::tsdb
