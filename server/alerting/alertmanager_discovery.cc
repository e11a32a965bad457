#include "server/alerting/alertmanager_discovery.h"

#include <fstream>
#include <sstream>

#include "server/config/relabel.h"
#include "server/scrape/target_labels.h"

namespace pharos::server {
namespace {

constexpr std::string_view kApiPath = "/api/v2/alerts";
constexpr std::string_view kAlertsPathLabel = "__alerts_path__";

// Go's path.Clean for the absolute paths built here: collapses repeated
// slashes and drops "." elements and a trailing slash.
std::string CleanPath(const std::string& p) {
  std::vector<std::string> parts;
  std::stringstream in(p);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const std::string& s : parts) out += "/" + s;
  return out.empty() ? "/" : out;
}

// The file's contents without one trailing newline, as Prometheus reads
// secret files.
Result<std::string> ReadSecret(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IOError("unable to read " + path);
  std::stringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The notifier's view of one entry, without addresses.
Result<rules::notifier::AlertmanagerConfig> BaseConfig(const AlertmanagerConfig& c) {
  rules::notifier::AlertmanagerConfig out;
  out.scheme = c.scheme;
  out.timeout = std::chrono::milliseconds(c.timeout_ms);
  const HttpClientConfig& h = c.http_client;
  if (h.basic_auth) {
    out.basic_auth_username = h.basic_auth->username;
    out.basic_auth_password = h.basic_auth->password;
    if (!h.basic_auth->password_file.empty()) {
      ASSIGN_OR_RETURN(out.basic_auth_password, ReadSecret(h.basic_auth->password_file));
    }
  }
  if (h.authorization) {
    out.authorization_type = h.authorization->type.empty() ? "Bearer" : h.authorization->type;
    out.authorization_credentials = h.authorization->credentials;
    if (!h.authorization->credentials_file.empty()) {
      ASSIGN_OR_RETURN(out.authorization_credentials,
                       ReadSecret(h.authorization->credentials_file));
    }
  }
  out.tls.ca_file = h.tls_config.ca_file;
  out.tls.cert_file = h.tls_config.cert_file;
  out.tls.key_file = h.tls_config.key_file;
  out.tls.server_name = h.tls_config.server_name;
  out.tls.insecure_skip_verify = h.tls_config.insecure_skip_verify;
  return out;
}

std::string UrlOf(const tsdb::Labels& l) {
  return std::string(l.Get("__scheme__")) + "://" + std::string(l.Get("__address__")) +
         std::string(l.Get(kAlertsPathLabel));
}

}  // namespace

std::string AlertsPath(const std::string& path_prefix) {
  std::string prefix = CleanPath("/" + path_prefix);
  if (prefix == "/") prefix.clear();
  return prefix + std::string(kApiPath);
}

void AlertmanagerDiscovery::ApplyConfig(const Config& config) {
  entries_.clear();
  for (const AlertmanagerConfig& c : config.alerting.alertmanagers) {
    Entry e;
    e.config = c;
    for (const FileSdConfig& f : c.file_sd_configs) {
      e.files.push_back(std::make_unique<scrape::FileDiscovery>(f));
    }
    entries_.push_back(std::move(e));
  }
}

bool AlertmanagerDiscovery::Refresh(int64_t now_ms, bool force, std::vector<std::string>* errors) {
  bool changed = false;
  for (Entry& e : entries_) {
    for (auto& f : e.files) changed = f->Refresh(now_ms, force, errors) || changed;
  }
  return changed;
}

AlertmanagerSet AlertmanagerDiscovery::Resolve() const {
  AlertmanagerSet set;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    const std::string name = "alertmanagers[" + std::to_string(i) + "]";
    Result<rules::notifier::AlertmanagerConfig> base = BaseConfig(e.config);
    if (!base.ok()) {
      set.errors.push_back(name + ": " + base.status().message());
      continue;
    }
    std::vector<scrape::TargetGroup> groups;
    for (size_t j = 0; j < e.config.static_configs.size(); ++j) {
      const StaticConfig& sc = e.config.static_configs[j];
      scrape::TargetGroup g;
      g.labels = sc.labels;
      for (const std::string& addr : sc.targets) g.targets.push_back(tsdb::Labels({{"__address__", addr}}));
      groups.push_back(std::move(g));
    }
    for (const auto& f : e.files) {
      for (scrape::TargetGroup& g : f->Groups()) groups.push_back(std::move(g));
    }
    const std::string path = AlertsPath(e.config.path_prefix);
    for (const scrape::TargetGroup& g : groups) {
      for (const tsdb::Labels& target : scrape::GroupTargetLabels(g)) {
        std::vector<tsdb::Label> raw(target.begin(), target.end());
        raw.push_back({"__scheme__", e.config.scheme});
        raw.push_back({std::string(kAlertsPathLabel), path});
        tsdb::Labels discovered(std::move(raw));
        bool keep = true;
        tsdb::Labels lset = Relabel(e.config.relabel_configs, discovered, &keep);
        if (!keep) {
          set.dropped_urls.push_back(UrlOf(discovered));
          continue;
        }
        std::string addr(lset.Get("__address__"));
        if (addr.empty() || addr.find('/') != std::string::npos) {
          set.errors.push_back(name + ": invalid address \"" + addr + "\"");
          continue;
        }
        rules::notifier::AlertmanagerConfig am = *base;
        am.scheme = std::string(lset.Get("__scheme__"));
        am.addresses = {addr};
        // The notifier appends /api/v2/alerts to the prefix.
        std::string alerts_path(lset.Get(kAlertsPathLabel));
        if (alerts_path.ends_with(kApiPath)) alerts_path.resize(alerts_path.size() - kApiPath.size());
        am.path_prefix = alerts_path;
        set.active_urls.push_back(UrlOf(lset));
        set.configs.push_back(std::move(am));
      }
    }
  }
  return set;
}

}  // namespace pharos::server
