#include "server/scrape/target_labels.h"

#include <algorithm>
#include <map>

#include "server/scrape/textparse/parser.h"
#include "server/units.h"

namespace pharos::server::scrape {

namespace {

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kMetricsPath = "__metrics_path__";
constexpr std::string_view kInterval = "__scrape_interval__";
constexpr std::string_view kTimeout = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";

void SetLabel(std::vector<tsdb::Label>& sorted, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const tsdb::Label& l, std::string_view n) { return l.name < n; });
  if (it != sorted.end() && it->name == name) {
    it->value.assign(value);
  } else {
    sorted.insert(it, tsdb::Label{std::string(name), std::string(value)});
  }
}

std::string_view GetLabel(const std::vector<tsdb::Label>& sorted, std::string_view name) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const tsdb::Label& l, std::string_view n) { return l.name < n; });
  if (it != sorted.end() && it->name == name) return it->value;
  return {};
}

// Go's net.SplitHostPort says the address lacks a port.
bool NeedsPort(std::string_view addr) {
  if (!addr.empty() && addr.front() == '[') {
    size_t close = addr.find(']');
    return close == std::string_view::npos || close + 1 >= addr.size() || addr[close + 1] != ':';
  }
  size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return true;
  // More than one colon without brackets: SplitHostPort fails ("too many
  // colons") and Prometheus appends a port.
  return addr.find(':') != colon;
}

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace

Result<PopulatedLabels> PopulateLabels(const tsdb::Labels& discovered, const ScrapeConfig& cfg) {
  std::vector<tsdb::Label> lb(discovered.begin(), discovered.end());
  auto set_default = [&](std::string_view name, std::string_view value) {
    if (GetLabel(lb, name).empty()) SetLabel(lb, name, value);
  };
  set_default("job", cfg.job_name);
  set_default(kInterval, FormatDuration(cfg.scrape_interval_ms));
  set_default(kTimeout, FormatDuration(cfg.scrape_timeout_ms));
  set_default(kMetricsPath, cfg.metrics_path);
  set_default(kScheme, cfg.scheme);
  for (const auto& [k, v] : cfg.params) {
    if (!v.empty()) SetLabel(lb, std::string(kParamPrefix) + k, v[0]);
  }
  PopulatedLabels out;
  out.discovered = tsdb::Labels(lb);
  if (!Relabel(cfg.relabel_configs, lb)) return out;
  std::string addr(GetLabel(lb, kAddress));
  if (addr.empty()) return InvalidArgumentError("no address");
  if (NeedsPort(addr)) {
    std::string_view scheme = GetLabel(lb, kScheme);
    if (scheme == "http" || scheme.empty()) {
      addr += ":80";
    } else if (scheme == "https") {
      addr += ":443";
    } else {
      return InvalidArgumentError("invalid scheme: \"" + cfg.scheme + "\"");
    }
    SetLabel(lb, kAddress, addr);
  }
  if (addr.find('/') != std::string::npos) {
    return InvalidArgumentError("\"" + addr + "\" is not a valid hostname");
  }
  std::string interval(GetLabel(lb, kInterval));
  Result<int64_t> iv = ParseDuration(interval);
  if (!iv.ok()) return InvalidArgumentError("error parsing scrape interval: " + iv.status().message());
  if (*iv == 0) return InvalidArgumentError("scrape interval cannot be 0");
  std::string timeout(GetLabel(lb, kTimeout));
  Result<int64_t> tv = ParseDuration(timeout);
  if (!tv.ok()) return InvalidArgumentError("error parsing scrape timeout: " + tv.status().message());
  if (*tv == 0) return InvalidArgumentError("scrape timeout cannot be 0");
  if (*tv > *iv) {
    return InvalidArgumentError("scrape timeout cannot be greater than scrape interval (\"" +
                                timeout + "\" > \"" + interval + "\")");
  }
  std::erase_if(lb, [](const tsdb::Label& l) { return l.name.starts_with("__meta_"); });
  if (GetLabel(lb, "instance").empty()) SetLabel(lb, "instance", addr);
  for (const tsdb::Label& l : lb) {
    if (!tsdb::ValidUtf8(l.value)) {
      return InvalidArgumentError("invalid label value for \"" + l.name +
                                  "\": " + textparse_internal::GoQuote(l.value));
    }
  }
  out.labels = tsdb::Labels(std::move(lb));
  return out;
}

std::vector<tsdb::Labels> GroupTargetLabels(const TargetGroup& group) {
  std::vector<tsdb::Labels> out;
  out.reserve(group.targets.size());
  for (const tsdb::Labels& t : group.targets) {
    std::vector<tsdb::Label> merged(t.begin(), t.end());
    for (const tsdb::Label& l : group.labels) {
      if (!t.Has(l.name)) merged.push_back(l);
    }
    out.emplace_back(std::move(merged));
  }
  return out;
}

std::vector<TargetGroup> StaticGroups(const ScrapeConfig& cfg) {
  std::vector<TargetGroup> out;
  for (size_t i = 0; i < cfg.static_configs.size(); ++i) {
    const StaticConfig& sc = cfg.static_configs[i];
    TargetGroup g;
    g.source = std::to_string(i);
    g.labels = sc.labels;
    for (const std::string& addr : sc.targets) g.targets.push_back(tsdb::Labels({{kAddress, addr}}));
    out.push_back(std::move(g));
  }
  return out;
}

std::string TargetUrl(const tsdb::Labels& labels,
                      const std::map<std::string, std::vector<std::string>>& params) {
  std::map<std::string, std::vector<std::string>> all = params;
  for (const tsdb::Label& l : labels) {
    if (!l.name.starts_with(kParamPrefix)) continue;
    std::vector<std::string>& v = all[l.name.substr(kParamPrefix.size())];
    if (v.empty()) {
      v.push_back(l.value);
    } else {
      v[0] = l.value;
    }
  }
  std::string url = std::string(labels.Get(kScheme)) + "://" + std::string(labels.Get(kAddress)) +
                    std::string(labels.Get(kMetricsPath));
  bool first = true;
  for (const auto& [k, vs] : all) {
    for (const std::string& v : vs) {
      url += first ? '?' : '&';
      first = false;
      url += QueryEscape(k) + "=" + QueryEscape(v);
    }
  }
  return url;
}

}  // namespace pharos::server::scrape
