#include "server/scrape/scrape_manager.h"

#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "server/scrape/append_scrape.h"
#include "server/scrape/file_discovery.h"
#include "server/scrape/http_scraper.h"
#include "server/scrape/scrape_pool.h"

namespace pharos::server::scrape {

namespace asio = boost::asio;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SameFileSd(const std::vector<FileSdConfig>& a, const std::vector<FileSdConfig>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].files != b[i].files || a[i].refresh_interval_ms != b[i].refresh_interval_ms) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string GlobalUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?", host_start);
  if (host_end == std::string::npos) host_end = url.size();
  std::string hostport = url.substr(host_start, host_end - host_start);
  std::string host = hostport;
  std::string port;
  size_t colon = hostport.rfind(':');
  size_t bracket = hostport.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon);
  }
  if (host != "localhost" && host != "127.0.0.1" && host != "[::1]" && host != "::1") return url;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return url;
  return url.substr(0, host_start) + name + port + url.substr(host_end);
}

class ScrapeManager::Impl {
 public:
  explicit Impl(ScrapeManagerOptions o)
      : opts_(std::move(o)),
        work_(asio::make_work_guard(io_)),
        workers_(static_cast<size_t>(std::max(1, opts_.worker_threads))),
        poll_timer_(io_) {
    io_thread_ = std::thread([this] { io_.run(); });
    env_.storage = opts_.storage;
    env_.io = &io_;
    env_.run_blocking = [this](std::function<void()> job) {
      asio::post(workers_, std::move(job));
    };
    env_.offset_seed = opts_.offset_seed;
    env_.user_agent = opts_.user_agent;
    env_.log = opts_.log;
    env_.on_scrape = [this](const Status& s, const AppendStats& a) {
      auto add = [](std::atomic<uint64_t>& c, int64_t n) {
        if (n > 0) c.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
      };
      add(scrapes_, 1);
      add(samples_, a.total);
      add(out_of_order_, a.out_of_order);
      add(out_of_bounds_, a.out_of_bounds);
      add(duplicate_, a.duplicate);
      if (s.ok()) return;
      add(failed_, 1);
      if (s.message() == kSampleLimitExceeded) add(exceeded_sample_limit_, 1);
      if (s.message() == kBodySizeLimitExceeded) add(exceeded_body_size_limit_, 1);
    };
    asio::post(io_, [this] { ArmPoll(); });
  }

  ~Impl() { Stop(); }

  Status ApplyConfig(const Config& config) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return FailedPreconditionError("scrape manager stopped");
    std::map<std::string, Pool> next;
    for (const ScrapeConfig& sc : config.scrape_configs) {
      auto cfg = std::make_shared<const ScrapeConfig>(sc);
      auto it = pools_.find(sc.job_name);
      Pool p;
      if (it != pools_.end()) {
        p = std::move(it->second);
        pools_.erase(it);
        if (!SameScrapeSettings(p.pool->config(), *cfg)) p.pool->Reload(cfg);
        if (!SameFileSd(p.config->file_sd_configs, cfg->file_sd_configs)) p.files.clear();
        p.config = cfg;
      } else {
        p.pool = std::make_unique<ScrapePool>(cfg, env_);
        p.config = cfg;
      }
      if (p.files.empty()) {
        for (const FileSdConfig& f : cfg->file_sd_configs) p.files.emplace_back(f);
        RefreshFiles(p, /*force=*/true);
      }
      SyncPool(p);
      next.emplace(sc.job_name, std::move(p));
    }
    for (auto& [name, p] : pools_) p.pool->Stop(/*stale_markers=*/true);
    pools_ = std::move(next);
    return Status();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      for (auto& [name, p] : pools_) p.pool->Stop(/*stale_markers=*/false);
    }
    asio::post(io_, [this] { poll_timer_.cancel(); });
    work_.reset();
    // Let the posted stops run, then end the io thread.
    asio::post(io_, [this] { io_.stop(); });
    if (io_thread_.joinable()) io_thread_.join();
    workers_.join();
    std::lock_guard<std::mutex> lock(mu_);
    pools_.clear();
  }

  ScrapeManagerStats Stats() const {
    ScrapeManagerStats s;
    s.scrapes = scrapes_.load();
    s.failed_scrapes = failed_.load();
    s.samples = samples_.load();
    s.exceeded_sample_limit = exceeded_sample_limit_.load();
    s.exceeded_body_size_limit = exceeded_body_size_limit_.load();
    s.sample_out_of_order = out_of_order_.load();
    s.sample_out_of_bounds = out_of_bounds_.load();
    s.sample_duplicate_timestamp = duplicate_.load();
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, p] : pools_) {
      for (const FileDiscovery& f : p.files) s.file_sd_read_errors += f.read_errors();
      const uint64_t n = p.pool->ActiveTargets().size();
      s.active_targets += n;
      s.pool_targets[name] = n;
    }
    return s;
  }

  std::vector<ActiveTarget> ActiveTargets() {
    std::vector<ActiveTarget> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, p] : pools_) {
      for (const std::shared_ptr<Target>& t : p.pool->ActiveTargets()) {
        ActiveTarget a;
        a.discovered_labels = t->discovered_labels();
        a.labels = t->labels();
        a.scrape_pool = name;
        a.scrape_url = t->url();
        a.global_url = GlobalUrl(t->url());
        Target::State st = t->state();
        a.last_error = st.last_error;
        a.last_scrape_ms = st.last_scrape_ms;
        a.last_scrape_duration_seconds = st.last_duration_seconds;
        a.health = std::string(TargetHealthName(st.health));
        a.scrape_interval = std::string(t->full_labels().Get("__scrape_interval__"));
        a.scrape_timeout = std::string(t->full_labels().Get("__scrape_timeout__"));
        out.push_back(std::move(a));
      }
    }
    return out;
  }

  std::vector<DroppedTarget> DroppedTargets() {
    std::vector<DroppedTarget> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, p] : pools_) {
      for (const tsdb::Labels& l : p.pool->DroppedTargets()) out.push_back({l});
    }
    return out;
  }

  std::vector<TargetMetadata> Metadata() {
    std::vector<TargetMetadata> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, p] : pools_) {
      for (const std::shared_ptr<Target>& t : p.pool->ActiveTargets()) {
        for (const ScrapeCache::Metadata& m : t->cache()->ListMetadata()) {
          out.push_back({t->labels(), {m.metric, std::string(MetricTypeName(m.type)), m.help,
                                       m.unit}});
        }
      }
    }
    return out;
  }

 private:
  struct Pool {
    std::shared_ptr<const ScrapeConfig> config;
    std::unique_ptr<ScrapePool> pool;
    std::vector<FileDiscovery> files;
  };

  // REQUIRES: mu_ held.
  bool RefreshFiles(Pool& p, bool force) {
    bool changed = false;
    int64_t now = NowMs();
    for (FileDiscovery& f : p.files) {
      std::vector<std::string> errors;
      changed |= f.Refresh(now, force, &errors);
      if (opts_.log) {
        for (const std::string& e : errors) {
          opts_.log->Error("Error reading file", {{"discovery", "file"}, {"err", e}});
        }
      }
    }
    return changed;
  }

  // REQUIRES: mu_ held.
  void SyncPool(Pool& p) {
    std::vector<TargetGroup> groups = StaticGroups(*p.config);
    for (const FileDiscovery& f : p.files) {
      std::vector<TargetGroup> g = f.Groups();
      groups.insert(groups.end(), g.begin(), g.end());
    }
    p.pool->Sync(groups);
  }

  void ArmPoll() {
    poll_timer_.expires_after(std::chrono::milliseconds(opts_.file_sd_poll_ms));
    poll_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      asio::post(workers_, [this] {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (stopped_) return;
          for (auto& [name, p] : pools_) {
            if (!p.files.empty() && RefreshFiles(p, /*force=*/false)) SyncPool(p);
          }
        }
        asio::post(io_, [this] { ArmPoll(); });
      });
    });
  }

  ScrapeManagerOptions opts_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::thread_pool workers_;
  asio::steady_timer poll_timer_;
  std::thread io_thread_;
  ScrapeEnv env_;
  std::atomic<uint64_t> scrapes_{0}, failed_{0}, samples_{0};
  std::atomic<uint64_t> exceeded_sample_limit_{0}, exceeded_body_size_limit_{0};
  std::atomic<uint64_t> out_of_order_{0}, out_of_bounds_{0}, duplicate_{0};

  mutable std::mutex mu_;
  bool stopped_ = false;                // GUARDED_BY(mu_)
  std::map<std::string, Pool> pools_;   // GUARDED_BY(mu_)
};

ScrapeManager::ScrapeManager(ScrapeManagerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ScrapeManager::~ScrapeManager() = default;

Status ScrapeManager::ApplyConfig(const Config& config) { return impl_->ApplyConfig(config); }

void ScrapeManager::Stop() { impl_->Stop(); }

ScrapeManagerStats ScrapeManager::Stats() const { return impl_->Stats(); }

std::vector<ActiveTarget> ScrapeManager::ActiveTargets() { return impl_->ActiveTargets(); }

std::vector<DroppedTarget> ScrapeManager::DroppedTargets() { return impl_->DroppedTargets(); }

std::vector<TargetMetadata> ScrapeManager::Metadata() { return impl_->Metadata(); }

}  // namespace pharos::server::scrape
