// Crash test with a real process: tsdb_crash_writer appends and acknowledges
// batches while its background maintenance persists chunks, closes
// partitions, checkpoints and truncates the WAL; the test SIGKILLs it at a
// random moment, reopens the database in-process and checks that
//   - every acknowledged sample is there, with its exact value,
//   - no sample has a value the writer never wrote,
//   - every batch is all-or-nothing (all series share their timestamps),
//   - nothing reports an error.
// The same directory is reused, so data and restarts accumulate over the
// iterations. PHAROS_CRASH_ITERATIONS overrides the number of iterations.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tests/tsdb/crash_workload.h"
#include "tests/tsdb/db_test_util.h"
#include "tsdb/db.h"

#ifndef PHAROS_CRASH_WRITER
#error "PHAROS_CRASH_WRITER must name the tsdb_crash_writer executable"
#endif

namespace pharos::tsdb {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::Collect;
using testing::M;
using testing::SeriesSamples;
using testing::TempDir;

// What one run of the writer acknowledged before it died.
struct WriterRun {
  std::vector<int64_t> acked;  // timestamps of acknowledged batches, in order
  bool started = false;        // it printed "start": Open and the resume query worked
  int wait_status = 0;
};

// Parses complete lines out of `buf`, keeping a partial last line there.
void TakeLines(std::string& buf, WriterRun* run) {
  size_t begin = 0;
  for (size_t nl; (nl = buf.find('\n', begin)) != std::string::npos; begin = nl + 1) {
    std::string line = buf.substr(begin, nl - begin);
    long long batch = 0, t = 0;
    if (std::sscanf(line.c_str(), "acked %lld %lld", &batch, &t) == 2) {
      run->acked.push_back(t);
    } else if (line.starts_with("start ")) {
      run->started = true;
    } else {
      ADD_FAILURE() << "unexpected writer output: " << line;
    }
  }
  buf.erase(0, begin);
}

// Starts the writer, reads its acks for `life`, SIGKILLs it, then reads
// what it had written to the pipe before dying (those batches were
// acknowledged too).
WriterRun RunWriter(const std::vector<std::string>& args, milliseconds life) {
  WriterRun run;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  std::vector<std::string> argv_s = {PHAROS_CRASH_WRITER};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    ADD_FAILURE() << "fork failed";
    return run;
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  std::string buf;
  auto read_until = [&](steady_clock::time_point deadline) {
    char chunk[4096];
    while (true) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
      if (left.count() <= 0) return;
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n == 0) return;  // EOF: the writer is gone
      if (n > 0) {
        buf.append(chunk, static_cast<size_t>(n));
        TakeLines(buf, &run);
      }
    }
  };
  read_until(steady_clock::now() + life);
  kill(pid, SIGKILL);
  read_until(steady_clock::now() + milliseconds(5000));  // bounded drain to EOF
  close(fds[0]);
  waitpid(pid, &run.wait_status, 0);
  return run;
}

// Checks the database against everything acknowledged so far; returns the
// number of stored timestamps.
size_t Verify(const std::string& dir, const std::vector<int64_t>& acked) {
  DbOptions o = testing::TestOptions(dir);
  o.retention_ms = 0;
  auto db = Db::Open(o);
  EXPECT_TRUE(db.ok()) << "reopen after kill: " << db.status().ToString();
  if (!db.ok()) return 0;
  auto got = Collect(**db, {M(MatchType::kEqual, "__name__", crash::kMetric)});
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  if (!got.ok()) return 0;
  std::vector<int64_t> times;
  bool first = true;
  for (const SeriesSamples& series : *got) {
    int s = crash::SeriesIndex(series.labels);
    EXPECT_GE(s, 0) << "unknown series " << series.labels.ToString();
    if (s < 0) return 0;
    std::vector<int64_t> mine;
    for (const Sample& x : series.samples) {
      Sample want{x.t, crash::Value(s, x.t)};
      EXPECT_EQ(x, want) << series.labels.ToString() << " at " << x.t << ": wrong value";
      if (!(x == want)) return 0;
      EXPECT_TRUE(mine.empty() || mine.back() < x.t) << series.labels.ToString();
      mine.push_back(x.t);
    }
    // A batch is one WAL record: all of it survives or none of it.
    if (!first) {
      EXPECT_EQ(mine, times) << series.labels.ToString() << " differs from other series";
      if (mine != times) return 0;
    }
    times = std::move(mine);
    first = false;
  }
  if (!acked.empty()) {
    EXPECT_EQ(got->size(), static_cast<size_t>(crash::kSeries));
  }
  std::vector<int64_t> missing;
  std::set_difference(acked.begin(), acked.end(), times.begin(), times.end(),
                      std::back_inserter(missing));
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged batches lost, first at "
                               << missing.front();
  Status st = (*db)->Close();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return times.size();
}

void RunIterations(int iterations, bool fsync, std::vector<int64_t> steps, int64_t min_span) {
  uint64_t seed = std::random_device{}();
  std::printf("crash test: %d iterations, seed %" PRIu64 "\n", iterations, seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  std::vector<int64_t> acked;  // every acknowledged timestamp so far
  int kills_before_start = 0;
  auto begin = steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    int64_t step = steps[rng() % steps.size()];
    // Now and then so early that the writer is still opening (replaying).
    auto life = milliseconds(rng() % 10 == 0 ? 1 + static_cast<int64_t>(rng() % 40)
                                             : 50 + static_cast<int64_t>(rng() % 750));
    std::vector<std::string> args = {"--dir=" + dir.path(), "--step=" + std::to_string(step)};
    if (fsync) args.push_back("--fsync");
    SCOPED_TRACE("iteration " + std::to_string(i) + ", step " + std::to_string(step) +
                 ", killed after " + std::to_string(life.count()) + " ms");
    WriterRun run = RunWriter(args, life);
    ASSERT_TRUE(WIFSIGNALED(run.wait_status) && WTERMSIG(run.wait_status) == SIGKILL)
        << "the writer ended by itself (status " << run.wait_status
        << "); see its stderr above";
    if (!run.started) ++kills_before_start;
    for (size_t k = 1; k < run.acked.size(); ++k) {
      ASSERT_LT(run.acked[k - 1], run.acked[k]);
    }
    if (!run.acked.empty() && !acked.empty()) {
      ASSERT_GT(run.acked.front(), acked.back()) << "writer did not resume after its data";
    }
    acked.insert(acked.end(), run.acked.begin(), run.acked.end());
    size_t stored = Verify(dir.path(), acked);
    if (::testing::Test::HasFailure()) return;
    std::printf("  iteration %2d: step %6" PRId64 " ms, %4lld ms, %5zu acked, %7zu stored\n", i,
                step, static_cast<long long>(life.count()), run.acked.size(), stored);
  }
  std::printf("crash test: %zu batches acked, %d kills before the writer was up, %.1f s\n",
              acked.size(), kills_before_start,
              std::chrono::duration<double>(steady_clock::now() - begin).count());
  // The data crossed many partitions, so chunks were persisted and
  // partitions closed while the writer could be killed.
  ASSERT_FALSE(acked.empty());
  EXPECT_GT(acked.back() - acked.front(), min_span);
}

constexpr int64_t kHour = 3600 * 1000;

int Iterations(int fallback) {
  const char* env = std::getenv("PHAROS_CRASH_ITERATIONS");
  int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

TEST(Crash, KilledWriterKeepsEveryAcknowledgedSample) {
  // Mostly scrape-like steps; sometimes ten minutes, which runs through
  // partitions in a few hundred batches.
  RunIterations(Iterations(20), false, {15'000, 15'000, 60'000, 600'000}, 24 * kHour);
}

TEST(Crash, KilledWriterWithWalFsync) {
  // Synced commits are slow: bigger steps so that partitions still close.
  RunIterations(4, true, {60'000, 600'000}, 4 * kHour);
}

}  // namespace
}  // namespace pharos::tsdb
