// ParseConfig and LoadConfigFile: the top level of prometheus.yml, global
// and scrape_configs. yaml-cpp throws; every exception stops here.

#include <re2/re2.h>

#include <fstream>
#include <set>
#include <sstream>

#include "server/config/config_sections.h"

namespace pharos::server {
namespace {

// Prometheus' patRulePath: at most one '*', in the last path element.
bool ValidRulePath(const std::string& path) {
  static const RE2 kRulePath(R"(^[^*]*(\*[^/]*)?$)");
  return RE2::FullMatch(path, kRulePath);
}

Status ParseTopLevel(const YAML::Node& root, const std::string& dir, Config* c) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(root, "config.plain"));
  RETURN_IF_ERROR(ParseGlobalConfig(m.Get("global"), dir, &c->global));

  YAML::Node alerting = m.Get("alerting");
  YAML::Node rule_files = m.Get("rule_files");
  RETURN_IF_ERROR(ReadStringList(rule_files, &c->rule_files));
  YAML::Node scrape = m.Get("scrape_configs");
  ASSIGN_OR_RETURN(std::vector<YAML::Node> scrape_nodes, ReadSequence(scrape, "[]*config.ScrapeConfig"));
  YAML::Node storage = m.Get("storage");
  YAML::Node tracing = m.Get("tracing");
  ASSIGN_OR_RETURN(std::vector<YAML::Node> rw_nodes, ReadSequence(m.Get("remote_write"), "[]*config.RemoteWriteConfig"));
  ASSIGN_OR_RETURN(std::vector<YAML::Node> rr_nodes, ReadSequence(m.Get("remote_read"), "[]*config.RemoteReadConfig"));
  RETURN_IF_ERROR(m.Finish());

  for (std::string& rf : c->rule_files) {
    if (!ValidRulePath(rf)) return ValueError(rule_files, "invalid rule file path " + GoQuote(rf));
    rf = JoinDir(dir, rf);
  }

  std::set<std::string> job_names;
  for (const YAML::Node& node : scrape_nodes) {
    ScrapeConfig sc;
    RETURN_IF_ERROR(ParseScrapeConfig(node, c->global, dir, &sc));
    if (!job_names.insert(sc.job_name).second) {
      return ValueError(node, "found multiple scrape configs with job name " + GoQuote(sc.job_name));
    }
    c->scrape_configs.push_back(std::move(sc));
  }

  RETURN_IF_ERROR(ParseAlertingConfig(alerting, dir, &c->alerting));

  std::set<std::string> rw_names;
  for (const YAML::Node& node : rw_nodes) {
    if (IsExplicitNull(node)) return ValueError(node, "empty or null remote write config section");
    RemoteWriteConfig rw;
    RETURN_IF_ERROR(ParseRemoteWriteConfig(node, dir, &rw));
    if (!rw.name.empty() && !rw_names.insert(rw.name).second) {
      return ValueError(node, "found multiple remote write configs with job name " + GoQuote(rw.name));
    }
    c->remote_write.push_back(std::move(rw));
  }
  std::set<std::string> rr_names;
  for (const YAML::Node& node : rr_nodes) {
    if (IsExplicitNull(node)) return ValueError(node, "empty or null remote read config section");
    RemoteReadConfig rr;
    RETURN_IF_ERROR(ParseRemoteReadConfig(node, dir, &rr));
    if (!rr.name.empty() && !rr_names.insert(rr.name).second) {
      return ValueError(node, "found multiple remote read configs with job name " + GoQuote(rr.name));
    }
    c->remote_read.push_back(std::move(rr));
  }
  RETURN_IF_ERROR(ParseStorageConfig(storage, &c->storage));
  return ParseTracingConfig(tracing);
}

}  // namespace

std::string JoinDir(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir.empty()) return path;
  if (dir == ".") return path;
  return dir.back() == '/' ? dir + path : dir + "/" + path;
}

Status ParseGlobalConfig(const YAML::Node& node, const std::string& dir, GlobalConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  GlobalConfig g;
  g.scrape_interval_ms = g.scrape_timeout_ms = g.evaluation_interval_ms = 0;
  RETURN_IF_ERROR(ReadDuration(m.Get("scrape_interval"), &g.scrape_interval_ms));
  YAML::Node timeout = m.Get("scrape_timeout");
  RETURN_IF_ERROR(ReadDuration(timeout, &g.scrape_timeout_ms));
  RETURN_IF_ERROR(ReadDuration(m.Get("evaluation_interval"), &g.evaluation_interval_ms));
  RETURN_IF_ERROR(ReadString(m.Get("query_log_file"), &g.query_log_file));
  RETURN_IF_ERROR(ReadLabelSet(m.Get("external_labels"), &g.external_labels));
  RETURN_IF_ERROR(m.Finish());

  const GlobalConfig defaults;
  if (g.scrape_interval_ms == 0) g.scrape_interval_ms = defaults.scrape_interval_ms;
  if (g.scrape_timeout_ms > g.scrape_interval_ms) {
    return ValueError(timeout, "global scrape timeout greater than scrape interval");
  }
  if (g.scrape_timeout_ms == 0) g.scrape_timeout_ms = std::min(defaults.scrape_timeout_ms, g.scrape_interval_ms);
  if (g.evaluation_interval_ms == 0) g.evaluation_interval_ms = defaults.evaluation_interval_ms;
  g.query_log_file = JoinDir(dir, g.query_log_file);
  *out = std::move(g);
  return Status::Ok();
}

Status ParseScrapeConfig(const YAML::Node& node, const GlobalConfig& global, const std::string& dir,
                         ScrapeConfig* out) {
  if (!node.IsDefined() || node.IsNull()) return ValueError(node, "empty or null scrape config section");
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.ScrapeConfig"));
  ScrapeConfig sc;
  YAML::Node job = m.Get("job_name");
  RETURN_IF_ERROR(ReadString(job, &sc.job_name));
  RETURN_IF_ERROR(ReadBool(m.Get("honor_labels"), &sc.honor_labels));
  RETURN_IF_ERROR(ReadBool(m.Get("honor_timestamps"), &sc.honor_timestamps));
  YAML::Node params = m.Get("params");
  if (params.IsDefined() && !params.IsNull()) {
    if (!params.IsMap()) return UnmarshalError(params, "cannot unmarshal !!seq into url.Values");
    for (const auto& kv : params) {
      std::string name;
      RETURN_IF_ERROR(ReadString(kv.first, &name));
      RETURN_IF_ERROR(ReadStringList(kv.second, &sc.params[name]));
    }
  }
  RETURN_IF_ERROR(ReadDuration(m.Get("scrape_interval"), &sc.scrape_interval_ms));
  YAML::Node timeout = m.Get("scrape_timeout");
  RETURN_IF_ERROR(ReadDuration(timeout, &sc.scrape_timeout_ms));
  RETURN_IF_ERROR(ReadString(m.Get("metrics_path"), &sc.metrics_path));
  RETURN_IF_ERROR(ReadString(m.Get("scheme"), &sc.scheme));
  RETURN_IF_ERROR(ReadByteSize(m.Get("body_size_limit"), &sc.body_size_limit));
  RETURN_IF_ERROR(ReadUint(m.Get("sample_limit"), &sc.sample_limit));
  RETURN_IF_ERROR(ReadUint(m.Get("target_limit"), &sc.target_limit));
  RETURN_IF_ERROR(ReadUint(m.Get("label_limit"), &sc.label_limit));
  RETURN_IF_ERROR(ReadUint(m.Get("label_name_length_limit"), &sc.label_name_length_limit));
  RETURN_IF_ERROR(ReadUint(m.Get("label_value_length_limit"), &sc.label_value_length_limit));
  RETURN_IF_ERROR(ParseStaticConfigs(m.Get("static_configs"), &sc.static_configs));
  RETURN_IF_ERROR(ParseFileSdConfigs(m.Get("file_sd_configs"), dir, &sc.file_sd_configs));
  YAML::Node relabel = m.Get("relabel_configs");
  RETURN_IF_ERROR(ParseRelabelConfigs(relabel, "empty or null target relabeling rule in scrape config",
                                      &sc.relabel_configs));
  RETURN_IF_ERROR(ParseRelabelConfigs(m.Get("metric_relabel_configs"),
                                      "empty or null metric relabeling rule in scrape config",
                                      &sc.metric_relabel_configs));
  RETURN_IF_ERROR(ParseHttpClientConfig(m, node, dir, &sc.http_client));
  RETURN_IF_ERROR(m.Finish());

  if (sc.job_name.empty()) return ValueError(job.IsDefined() ? job : node, "job_name is empty");
  if (!relabel.IsDefined() || relabel.IsNull() || relabel.size() == 0) {
    RETURN_IF_ERROR(CheckStaticTargets(sc.static_configs, m.Get("static_configs")));
  }
  if (sc.scrape_interval_ms == 0) sc.scrape_interval_ms = global.scrape_interval_ms;
  if (sc.scrape_timeout_ms > sc.scrape_interval_ms) {
    return ValueError(timeout.IsDefined() ? timeout : node,
                      "scrape timeout greater than scrape interval for scrape config with job name " +
                          GoQuote(sc.job_name));
  }
  if (sc.scrape_timeout_ms == 0) {
    sc.scrape_timeout_ms = std::min(global.scrape_timeout_ms, sc.scrape_interval_ms);
  }
  *out = std::move(sc);
  return Status::Ok();
}

Result<std::shared_ptr<const Config>> ParseConfig(std::string_view text, const std::string& dir) {
  auto config = std::make_shared<Config>();
  config->source_text = std::string(text);
  try {
    YAML::Node root = YAML::Load(config->source_text);
    RETURN_IF_ERROR(ParseTopLevel(root, dir, config.get()));
  } catch (const YAML::ParserException& e) {
    return InvalidArgumentError("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("yaml: " + std::string(e.what()));
  }
  return std::shared_ptr<const Config>(std::move(config));
}

Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IOError("open " + path + ": no such file or directory");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IOError("read " + path + ": I/O error");
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  Result<std::shared_ptr<const Config>> parsed = ParseConfig(text.str(), dir);
  if (!parsed.ok()) {
    return InvalidArgumentError("parsing YAML file " + path + ": " + parsed.status().message());
  }
  auto config = std::make_shared<Config>(**parsed);
  config->source_path = path;
  return std::shared_ptr<const Config>(std::move(config));
}

}  // namespace pharos::server
