// Config: Prometheus 2.42's prometheus.yml as immutable structs.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<const Config> cfg, LoadConfigFile("pharos.yml"));
//   for (const ScrapeConfig& sc : cfg->scrape_configs) {
//     sc.scrape_interval_ms;           // already inherited from global
//     for (const StaticConfig& group : sc.static_configs) ...
//     Relabel(sc.relabel_configs, target_labels);       // server/config/relabel.h
//   }
//
// Every default is Prometheus' (config/config.go): the loader fills them in,
// so consumers never look at `global` to complete a scrape config. Relative
// file paths (rule_files, file_sd files, *_file credentials, tls files) are
// already joined with the config file's directory, as Prometheus'
// SetDirectory does. Durations are milliseconds.
//
// Only static_configs and file_sd_configs are supported service discoveries
// (as in Debian's Prometheus 2.42 build, any other *_sd_configs key is an
// unknown field).
//
// Thread-safety: a loaded Config is immutable and shared as
// std::shared_ptr<const Config>; readers on any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config/relabel.h"
#include "tsdb/labels.h"

namespace pharos::server {

// basic_auth. password and password_file are mutually exclusive.
struct BasicAuth {
  std::string username;
  std::string password;
  std::string password_file;
};

// authorization (also what bearer_token / bearer_token_file become).
struct Authorization {
  // Default: "Bearer". "Basic" is rejected, as Prometheus does.
  std::string type = "Bearer";
  std::string credentials;
  std::string credentials_file;
};

// oauth2: parsed and kept; Pharos' scraper does not use it yet.
struct OAuth2 {
  std::string client_id;
  std::string client_secret;
  std::string client_secret_file;
  std::vector<std::string> scopes;
  std::string token_url;
  std::map<std::string, std::string> endpoint_params;
};

struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  // "TLS10".."TLS13", or "" for Go's default.
  std::string min_version;
};

// Prometheus' common HTTPClientConfig, inlined into scrape, alertmanager,
// remote write and remote read configs.
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  std::optional<OAuth2> oauth2;
  TlsConfig tls_config;
  std::string proxy_url;
  // Default: true.
  bool follow_redirects = true;
  // Default: true.
  bool enable_http2 = true;
};

// One static_configs entry: targets ("host:port") sharing labels.
struct StaticConfig {
  std::vector<std::string> targets;
  tsdb::Labels labels;
};

// One file_sd_configs entry.
struct FileSdConfig {
  // Glob patterns (filepath.Match syntax in the last path element only),
  // ending in .json, .yml or .yaml; joined with the config's directory.
  std::vector<std::string> files;
  // Default: 5m.
  int64_t refresh_interval_ms = 5 * 60 * 1000;
};

struct GlobalConfig {
  // Default: 1m.
  int64_t scrape_interval_ms = 60 * 1000;
  // Default: 10s (or scrape_interval if shorter). Never above scrape_interval.
  int64_t scrape_timeout_ms = 10 * 1000;
  // Default: 1m.
  int64_t evaluation_interval_ms = 60 * 1000;
  // Accepted and kept; Pharos writes no query log.
  std::string query_log_file;
  // Added to series and alerts leaving Pharos (remote write, federation,
  // alerts). Kept as written (2.42 expands $VARs only behind a feature flag).
  tsdb::Labels external_labels;
};

struct ScrapeConfig {
  std::string job_name;
  // Inherited from global when not set; timeout <= interval.
  int64_t scrape_interval_ms = 0;
  int64_t scrape_timeout_ms = 0;
  // Default: "/metrics".
  std::string metrics_path = "/metrics";
  // "http" (default) or "https".
  std::string scheme = "http";
  // URL query parameters; each name may repeat.
  std::map<std::string, std::vector<std::string>> params;
  // Default: false.
  bool honor_labels = false;
  // Default: true.
  bool honor_timestamps = true;
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;
  // Limits; 0 means none.
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  uint64_t target_limit = 0;
  // Uncompressed body size limit in bytes ("10MB"); 0 means none.
  uint64_t body_size_limit = 0;
  HttpClientConfig http_client;
};

struct AlertmanagerConfig {
  // "http" (default) or "https".
  std::string scheme = "http";
  // Prefix of the API path, e.g. "/alertmanager". Default: "".
  std::string path_prefix;
  // Default: 10s.
  int64_t timeout_ms = 10 * 1000;
  // "v2" (default) or "v1" (accepted by 2.42, deprecated).
  std::string api_version = "v2";
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<RelabelConfig> relabel_configs;
  HttpClientConfig http_client;
};

struct AlertingConfig {
  std::vector<RelabelConfig> alert_relabel_configs;
  std::vector<AlertmanagerConfig> alertmanagers;
};

// remote_write.queue_config, Prometheus' defaults.
struct QueueConfig {
  int64_t capacity = 2500;
  int64_t max_shards = 200;
  int64_t min_shards = 1;
  int64_t max_samples_per_send = 500;
  int64_t batch_send_deadline_ms = 5 * 1000;
  int64_t min_backoff_ms = 30;
  int64_t max_backoff_ms = 5 * 1000;
  bool retry_on_http_429 = false;
};

// remote_write.metadata_config.
struct MetadataConfig {
  bool send = true;
  int64_t send_interval_ms = 60 * 1000;
  int64_t max_samples_per_send = 500;
};

struct RemoteWriteConfig {
  std::string url;
  // Default: 30s.
  int64_t remote_timeout_ms = 30 * 1000;
  std::map<std::string, std::string> headers;
  std::vector<RelabelConfig> write_relabel_configs;
  // Unique among remote_write entries when set.
  std::string name;
  bool send_exemplars = false;
  QueueConfig queue_config;
  MetadataConfig metadata_config;
  HttpClientConfig http_client;
};

struct RemoteReadConfig {
  std::string url;
  // Default: 1m.
  int64_t remote_timeout_ms = 60 * 1000;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> required_matchers;
  std::string name;
  bool read_recent = false;
  // Default: true.
  bool filter_external_labels = true;
  HttpClientConfig http_client;
};

struct StorageConfig {
  // storage.tsdb.out_of_order_time_window; 0 means none.
  int64_t out_of_order_time_window_ms = 0;
  // storage.exemplars.max_exemplars. Default: 100000.
  int64_t max_exemplars = 100000;
};

struct Config {
  GlobalConfig global;
  AlertingConfig alerting;
  // Glob patterns, joined with the config file's directory.
  std::vector<std::string> rule_files;
  std::vector<ScrapeConfig> scrape_configs;
  StorageConfig storage;
  std::vector<RemoteWriteConfig> remote_write;
  std::vector<RemoteReadConfig> remote_read;

  // The file this came from ("" when parsed from a string) and its text,
  // as read (what /api/v1/status/config shows).
  std::string source_path;
  std::string source_text;
};

// Parses YAML text as Prometheus' config.Load does (strict: unknown fields,
// duplicate keys, wrong types and invalid values are errors). An empty text
// is a valid config with every default. `dir` is what relative paths are
// joined with ("" leaves them as they are).
//
// Errors (kInvalidArgument). Type and unknown-field errors read exactly as
// Prometheus words them:
//   yaml: unmarshal errors:\n  line 5: field foo not found in type config.ScrapeConfig
// other errors carry Prometheus' message and then the place:
//   scrape timeout greater than scrape interval for scrape config with job name "a" (line 2, column 5)
Result<std::shared_ptr<const Config>> ParseConfig(std::string_view text, const std::string& dir);

// Reads and parses the file. Errors (kInvalidArgument, or kIOError when the
// file cannot be read) start "parsing YAML file <path>: " like Prometheus'.
// The result's source_path and source_text are set.
Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path);

}  // namespace pharos::server
