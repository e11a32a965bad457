// AppendScrape: one scraped body into storage, the way Prometheus 2.42's
// scrapeLoop.append does it.
//
//   ScrapeCache cache;                       // one per target, kept across scrapes
//   auto app = db.NewAppender();
//   AppendStats stats;
//   Status s = AppendScrape(body, content_type, now_ms, options, cache, *app, &stats);
//   if (!s.ok()) { app->Rollback(); /* then an empty body for stale markers */ }
//
// For each sample: the cached label set when this series text was seen
// before; else the parsed labels merged with the target's (honor_labels:
// the exposed value wins; otherwise the target's wins and a conflicting
// exposed label is kept as exported_<name>), metric_relabel_configs, then
// validity and label limits. Series of the previous scrape that are missing
// from this one get the stale NaN at `t`. An empty body appends only those
// stale markers (a failed scrape is an empty scrape).
//
// Errors fail the whole scrape (the caller rolls back): a parse error, a
// duplicate label name, an invalid label set after relabeling, a limit
// exceeded. Past sample_limit the body is still read to the end, so the
// counts in `stats` cover all of it, as Prometheus reports them. Samples
// that storage refuses as out of order, out of bounds or duplicate are
// counted in `stats` and skipped, as Prometheus does.
//
// Thread-safety: uses `cache` and `app` exclusively for the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "server/config/relabel.h"
#include "server/scrape/scrape_cache.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace pharos::server::scrape {

// Per-scrape limits; 0 means none.
struct ScrapeLimits {
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
};

struct AppendOptions {
  // The target's labels (no `__` labels). Must outlive the call.
  const tsdb::Labels* target_labels = nullptr;
  // Default: false.
  bool honor_labels = false;
  // Default: true.
  bool honor_timestamps = true;
  std::span<const RelabelConfig> metric_relabel_configs;
  ScrapeLimits limits;
};

// The error of a scrape over sample_limit; the scrape manager counts these
// scrapes by it.
inline constexpr const char* kSampleLimitExceeded = "sample limit exceeded";

struct AppendStats {
  int total = 0;         // samples in the body (scrape_samples_scraped)
  int added = 0;         // left after relabeling, refused or over the sample
                         // limit included (..._post_metric_relabeling)
  int series_added = 0;  // series new to the cache (scrape_series_added)
  int out_of_order = 0;  // refused by storage and skipped
  int out_of_bounds = 0;
  int duplicate = 0;
};

Status AppendScrape(std::string_view body, std::string_view content_type, int64_t t,
                    const AppendOptions& options, ScrapeCache& cache, tsdb::Appender& app,
                    AppendStats* stats);

// The labels of a sample before metric relabeling: `exposed` (sorted by
// name) merged with the target labels as honor_labels says. Exposed for
// tests.
void MergeTargetLabels(std::vector<tsdb::Label>& exposed, const tsdb::Labels& target,
                       bool honor_labels);

}  // namespace pharos::server::scrape
