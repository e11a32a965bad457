// ScrapeLoop: scrapes one target every interval and appends what it gets,
// as Prometheus 2.42's scrapeLoop does.
//
//   ScrapeLoop loop(options);
//   loop.Start();          // first scrape at the target's offset in the interval
//   ...
//   loop.Stop(/*stale_markers=*/true);   // target gone: stale markers later
//
// Each scrape: fetch (HttpScraper), then on the worker pool parse and
// append through one Appender (AppendScrape), then the synthetic series
// `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
// `scrape_samples_post_metric_relabeling` and `scrape_series_added`, all at
// the scrape's start time, then one Commit. A failed fetch, a parse error or
// a limit exceeded is a failed scrape: its samples are rolled back, `up` is
// 0, every series of the previous scrape gets a stale marker, and the error
// is the target's lastError.
//
// Stop(true) is for a target that went away: like Prometheus, the loop
// waits until just over two intervals after its last scrape (in case the
// target comes back) and then writes stale markers for all its series at
// the time of the first missed scrape. Stop(false) (shutdown, or a restart
// that keeps the series going) writes none.
//
// Thread-safety: Start/Stop/SetForcedError are thread-safe. The loop runs on
// a single-threaded io_context; appends run on the worker pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/config/config.h"
#include "server/scrape/append_scrape.h"
#include "server/scrape/tls_context.h"
#include "server/scrape/target.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace boost::asio {
class io_context;
}

namespace pharos::server::scrape {


struct ScrapeLoopOptions {
  std::shared_ptr<Target> target;
  // The scrape config (honor_*, metric_relabel_configs, limits, auth).
  std::shared_ptr<const ScrapeConfig> config;
  // Where samples go. Must outlive the loop's last append.
  tsdb::Appendable* storage = nullptr;
  // The io_context running the loop (one thread). Must outlive the loop.
  boost::asio::io_context* io = nullptr;
  // Runs a job on the worker pool.
  std::function<void(std::function<void()>)> run_blocking;
  // Mixed into the target's offset (Prometheus: external labels + hostname).
  uint64_t offset_seed = 0;
  std::string user_agent = "Pharos";
  // The pool's TLS settings for https targets; null: the defaults.
  std::shared_ptr<TlsContext> tls;
  // Called after each scrape with its outcome (for counters); may be empty.
  std::function<void(const Status&, const AppendStats&)> on_scrape;
};

class ScrapeLoop {
 public:
  explicit ScrapeLoop(ScrapeLoopOptions options);
  ~ScrapeLoop();
  ScrapeLoop(const ScrapeLoop&) = delete;
  ScrapeLoop& operator=(const ScrapeLoop&) = delete;

  void Start();
  void Stop(bool stale_markers);
  // While set (non-OK), every scrape fails with this error without fetching
  // (target_limit exceeded). OK clears it.
  void SetForcedError(Status error);

  const std::shared_ptr<Target>& target() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace pharos::server::scrape
