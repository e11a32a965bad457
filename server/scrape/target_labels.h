// Target labels: how a discovered target becomes a scrape target, as
// Prometheus 2.42's scrape.PopulateLabels builds it.
//
//   discovered = group labels + {__address__="host:port"} (+ __meta_*)
//   1. add job, __scrape_interval__, __scrape_timeout__, __metrics_path__,
//      __scheme__ from the scrape config unless already set; __param_<k>
//      from params (first value).                 -> the discovered labels
//   2. relabel_configs; a dropped target keeps only its discovered labels.
//   3. __address__ must be set; a missing port becomes :80 / :443 by scheme;
//      interval and timeout are re-read from their labels and checked.
//   4. __meta_* labels go; instance defaults to __address__.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "server/config/config.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::server::scrape {

// One group of discovered targets (a static_configs entry, or a file_sd
// file's entry). Each target holds at least __address__.
struct TargetGroup {
  std::vector<tsdb::Labels> targets;
  tsdb::Labels labels;
  // Where it came from: "static/0", "/etc/targets.json:2".
  std::string source;
};

struct PopulatedLabels {
  // The target's labels after relabeling (including __address__,
  // __scheme__, __metrics_path__, __param_*, __scrape_*__); empty when the
  // target was dropped.
  tsdb::Labels labels;
  // The labels before relabeling (what the API calls discoveredLabels).
  tsdb::Labels discovered;
};

// Errors (kInvalidArgument), worded as Prometheus: "no address",
// `invalid scheme: "ftp"`, "error parsing scrape interval: ...",
// "scrape interval cannot be 0", "scrape timeout cannot be greater than
// scrape interval ("20s" > "10s")", `invalid label value for "a": "\xff"`.
Result<PopulatedLabels> PopulateLabels(const tsdb::Labels& discovered, const ScrapeConfig& cfg);

// A group's targets with the group labels merged in (a target's own labels
// win), __address__ first among their names.
std::vector<tsdb::Labels> GroupTargetLabels(const TargetGroup& group);

// The groups of a scrape config's static_configs, sources "static/<i>"... as
// discovery would deliver them.
std::vector<TargetGroup> StaticGroups(const ScrapeConfig& cfg);

// scheme://address/path?params: the scrape URL of a target's full labels
// (__param_* override the config's params).
std::string TargetUrl(const tsdb::Labels& labels,
                      const std::map<std::string, std::vector<std::string>>& params);

}  // namespace pharos::server::scrape
