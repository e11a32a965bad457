// ScrapePool: the targets of one scrape config (one job) and their loops,
// as Prometheus 2.42's scrapePool.
//
//   ScrapePool pool(cfg, env);
//   pool.Sync(groups);    // static_configs + file_sd groups, all of them
//   pool.Reload(new_cfg); // the job's config changed
//   pool.Stop(false);
//
// Sync builds every target's labels (PopulateLabels); a target dropped by
// relabeling is kept with its discovered labels only. Targets that stay
// (same labels and URL) keep their loop and its timing; new ones start;
// vanished ones stop with stale markers. Above target_limit every scrape
// of the pool fails with "target_limit exceeded (...)". A tls_config whose
// files cannot be loaded fails every scrape of the pool with the reason.
//
// Thread-safety: not thread-safe; the ScrapeManager serializes calls. The
// getters copy under the caller's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/config/config.h"
#include "server/logger.h"
#include "server/scrape/scrape_loop.h"
#include "server/scrape/target.h"
#include "server/scrape/target_labels.h"

namespace pharos::server::scrape {

// What every loop of a manager shares.
struct ScrapeEnv {
  tsdb::Appendable* storage = nullptr;
  boost::asio::io_context* io = nullptr;
  std::function<void(std::function<void()>)> run_blocking;
  uint64_t offset_seed = 0;
  std::string user_agent = "Pharos";
  const Logger* log = nullptr;
  std::function<void(const Status&, const AppendStats&)> on_scrape;
};

class ScrapePool {
 public:
  ScrapePool(std::shared_ptr<const ScrapeConfig> config, ScrapeEnv env);
  ~ScrapePool();

  void Sync(const std::vector<TargetGroup>& groups);
  // Restarts every loop with `config`'s settings, keeping targets whose
  // labels stay the same (and their series caches when the sample-shaping
  // settings did not change), without stale markers.
  void Reload(std::shared_ptr<const ScrapeConfig> config);
  void Stop(bool stale_markers);

  const ScrapeConfig& config() const { return *config_; }
  std::vector<std::shared_ptr<Target>> ActiveTargets() const;
  const std::vector<tsdb::Labels>& DroppedTargets() const { return dropped_; }

 private:
  std::unique_ptr<ScrapeLoop> NewLoop(std::shared_ptr<Target> t);
  void RefreshTargetLimit();
  // Builds tls_ (or tls_error_) from config_'s tls_config.
  void LoadTls();

  std::shared_ptr<const ScrapeConfig> config_;
  ScrapeEnv env_;
  std::vector<TargetGroup> last_groups_;
  // By Target::hash(), in discovery order.
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> loops_;
  std::vector<uint64_t> order_;
  std::vector<tsdb::Labels> dropped_;
  // One TLS client context for all the pool's targets, as Prometheus has
  // one HTTP client per pool.
  std::shared_ptr<TlsContext> tls_;
  Status tls_error_;
};

// Whether two scrape configs scrape the same way (everything but the
// service discovery and job name compared).
bool SameScrapeSettings(const ScrapeConfig& a, const ScrapeConfig& b);
// Whether samples would get the same labels (honor_labels and
// metric_relabel_configs equal).
bool SameSampleShaping(const ScrapeConfig& a, const ScrapeConfig& b);

}  // namespace pharos::server::scrape
