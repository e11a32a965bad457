#include "server/scrape/scrape_pool.h"

#include <set>

namespace pharos::server::scrape {

namespace {

bool SameRelabel(const std::vector<RelabelConfig>& a, const std::vector<RelabelConfig>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const RelabelSpec& x = a[i].spec();
    const RelabelSpec& y = b[i].spec();
    if (x.source_labels != y.source_labels || x.separator != y.separator || x.regex != y.regex ||
        x.modulus != y.modulus || x.target_label != y.target_label ||
        x.replacement != y.replacement || x.action != y.action) {
      return false;
    }
  }
  return true;
}

bool SameHttp(const HttpClientConfig& a, const HttpClientConfig& b) {
  auto basic = [](const std::optional<BasicAuth>& x, const std::optional<BasicAuth>& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x || (x->username == y->username && x->password == y->password &&
                  x->password_file == y->password_file);
  };
  auto authz = [](const std::optional<Authorization>& x, const std::optional<Authorization>& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x || (x->type == y->type && x->credentials == y->credentials &&
                  x->credentials_file == y->credentials_file);
  };
  const TlsConfig& x = a.tls_config;
  const TlsConfig& y = b.tls_config;
  bool same_tls = x.ca_file == y.ca_file && x.cert_file == y.cert_file &&
                  x.key_file == y.key_file && x.server_name == y.server_name &&
                  x.insecure_skip_verify == y.insecure_skip_verify &&
                  x.min_version == y.min_version;
  return basic(a.basic_auth, b.basic_auth) && authz(a.authorization, b.authorization) &&
         a.proxy_url == b.proxy_url && a.follow_redirects == b.follow_redirects && same_tls;
}

}  // namespace

bool SameSampleShaping(const ScrapeConfig& a, const ScrapeConfig& b) {
  return a.honor_labels == b.honor_labels &&
         SameRelabel(a.metric_relabel_configs, b.metric_relabel_configs);
}

bool SameScrapeSettings(const ScrapeConfig& a, const ScrapeConfig& b) {
  return SameSampleShaping(a, b) && a.scrape_interval_ms == b.scrape_interval_ms &&
         a.scrape_timeout_ms == b.scrape_timeout_ms && a.metrics_path == b.metrics_path &&
         a.scheme == b.scheme && a.params == b.params && a.honor_timestamps == b.honor_timestamps &&
         SameRelabel(a.relabel_configs, b.relabel_configs) && a.sample_limit == b.sample_limit &&
         a.label_limit == b.label_limit &&
         a.label_name_length_limit == b.label_name_length_limit &&
         a.label_value_length_limit == b.label_value_length_limit &&
         a.target_limit == b.target_limit && a.body_size_limit == b.body_size_limit &&
         SameHttp(a.http_client, b.http_client);
}

ScrapePool::ScrapePool(std::shared_ptr<const ScrapeConfig> config, ScrapeEnv env)
    : config_(std::move(config)), env_(std::move(env)) {
  LoadTls();
}

void ScrapePool::LoadTls() {
  tls_.reset();
  tls_error_ = Status();
  Result<std::shared_ptr<TlsContext>> tls = TlsContext::Create(config_->http_client.tls_config);
  if (tls.ok()) {
    tls_ = std::move(*tls);
    return;
  }
  tls_error_ = tls.status();
  if (env_.log) {
    env_.log->Error("Error creating HTTP client",
                    {{"scrape_pool", config_->job_name}, {"err", tls_error_.message()}});
  }
}

ScrapePool::~ScrapePool() { Stop(false); }

std::unique_ptr<ScrapeLoop> ScrapePool::NewLoop(std::shared_ptr<Target> t) {
  ScrapeLoopOptions o;
  o.target = std::move(t);
  o.config = config_;
  o.storage = env_.storage;
  o.io = env_.io;
  o.run_blocking = env_.run_blocking;
  o.offset_seed = env_.offset_seed;
  o.user_agent = env_.user_agent;
  o.tls = tls_;
  o.on_scrape = env_.on_scrape;
  auto loop = std::make_unique<ScrapeLoop>(std::move(o));
  loop->Start();
  return loop;
}

void ScrapePool::Sync(const std::vector<TargetGroup>& groups) {
  last_groups_ = groups;
  std::vector<std::shared_ptr<Target>> active;
  std::vector<tsdb::Labels> dropped;
  std::set<uint64_t> seen;
  for (const TargetGroup& g : groups) {
    for (const tsdb::Labels& discovered : GroupTargetLabels(g)) {
      Result<PopulatedLabels> r = PopulateLabels(discovered, *config_);
      if (!r.ok()) {
        if (env_.log) {
          env_.log->Error("Creating target failed", {{"scrape_pool", config_->job_name},
                                                     {"err", r.status().message()}});
        }
        continue;
      }
      if (r->labels.empty()) {
        dropped.push_back(std::move(r->discovered));
        continue;
      }
      auto t = std::make_shared<Target>(std::move(r->labels), std::move(r->discovered),
                                        config_->params);
      if (!seen.insert(t->hash()).second) continue;
      active.push_back(std::move(t));
    }
  }
  dropped_ = std::move(dropped);
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> next;
  order_.clear();
  for (std::shared_ptr<Target>& t : active) {
    uint64_t h = t->hash();
    order_.push_back(h);
    auto it = loops_.find(h);
    if (it != loops_.end()) {
      next[h] = std::move(it->second);
      loops_.erase(it);
    } else {
      next[h] = NewLoop(std::move(t));
    }
  }
  for (auto& [h, loop] : loops_) loop->Stop(/*stale_markers=*/true);
  loops_ = std::move(next);
  RefreshTargetLimit();
}

void ScrapePool::Reload(std::shared_ptr<const ScrapeConfig> config) {
  bool keep_caches = SameSampleShaping(*config_, *config);
  config_ = std::move(config);
  LoadTls();
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> old = std::move(loops_);
  loops_.clear();
  for (auto& [h, loop] : old) {
    loop->Stop(/*stale_markers=*/false);
    if (keep_caches) {
      loops_[h] = NewLoop(loop->target());
    }
  }
  // Re-derive targets from the last groups: labels may change with the new
  // relabel rules or defaults; unchanged ones keep the loops made above.
  Sync(last_groups_);
}

void ScrapePool::Stop(bool stale_markers) {
  for (auto& [h, loop] : loops_) loop->Stop(stale_markers);
  loops_.clear();
  order_.clear();
}

void ScrapePool::RefreshTargetLimit() {
  Status err = tls_error_;
  if (err.ok() && config_->target_limit > 0 && loops_.size() > config_->target_limit) {
    err = ResourceExhaustedError("target_limit exceeded (number of targets: " +
                                 std::to_string(loops_.size()) +
                                 ", limit: " + std::to_string(config_->target_limit) + ")");
  }
  for (auto& [h, loop] : loops_) loop->SetForcedError(err);
}

std::vector<std::shared_ptr<Target>> ScrapePool::ActiveTargets() const {
  std::vector<std::shared_ptr<Target>> out;
  out.reserve(order_.size());
  for (uint64_t h : order_) {
    auto it = loops_.find(h);
    if (it != loops_.end()) out.push_back(it->second->target());
  }
  return out;
}

}  // namespace pharos::server::scrape
