// The section parsers behind ParseConfig(), one per part of prometheus.yml.
// Internal to server/config/: each reads one node strictly (see
// yaml_reader.h), fills Prometheus' defaults and validates as Prometheus'
// UnmarshalYAML for that type does. `dir` is joined with relative paths.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"
#include "server/config/yaml_reader.h"

namespace pharos::server {

// Prometheus' config.JoinDir: `path` unchanged when empty or absolute.
std::string JoinDir(const std::string& dir, const std::string& path);

// relabel_configs and friends. A null entry is an error with `null_message`
// (e.g. "empty or null target relabeling rule in scrape config").
Status ParseRelabelConfigs(const YAML::Node& node, std::string_view null_message,
                           std::vector<RelabelConfig>* out);

// static_configs and file_sd_configs.
Status ParseStaticConfigs(const YAML::Node& node, std::vector<StaticConfig>* out);
Status ParseFileSdConfigs(const YAML::Node& node, const std::string& dir, std::vector<FileSdConfig>* out);
// Prometheus' checkStaticTargets: no '/' in a target ("is not a valid hostname").
Status CheckStaticTargets(const std::vector<StaticConfig>& groups, const YAML::Node& at);

// The HTTP client fields inlined in `m` (basic_auth, authorization, oauth2,
// bearer_token[_file], tls_config, proxy_url, follow_redirects,
// enable_http2), validated as common/config's HTTPClientConfig.Validate.
Status ParseHttpClientConfig(YamlMap& m, const YAML::Node& at, const std::string& dir, HttpClientConfig* out);

Status ParseGlobalConfig(const YAML::Node& node, const std::string& dir, GlobalConfig* out);
Status ParseScrapeConfig(const YAML::Node& node, const GlobalConfig& global, const std::string& dir,
                         ScrapeConfig* out);
Status ParseAlertingConfig(const YAML::Node& node, const std::string& dir, AlertingConfig* out);
Status ParseRemoteWriteConfig(const YAML::Node& node, const std::string& dir, RemoteWriteConfig* out);
Status ParseRemoteReadConfig(const YAML::Node& node, const std::string& dir, RemoteReadConfig* out);
Status ParseStorageConfig(const YAML::Node& node, StorageConfig* out);
// tracing: checked and dropped (Pharos does not trace).
Status ParseTracingConfig(const YAML::Node& node);

}  // namespace pharos::server
