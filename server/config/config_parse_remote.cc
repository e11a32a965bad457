// alerting, remote_write, remote_read, storage and tracing.

#include <algorithm>
#include <cctype>

#include "server/config/config_sections.h"

namespace pharos::server {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Prometheus' validateHeaders for remote_write and remote_read.
Status ValidateHeaders(const YAML::Node& at, const std::map<std::string, std::string>& headers) {
  static const char* kReserved[] = {
      "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
      "x-prometheus-remote-write-version", "x-prometheus-remote-read-version", "x-amz-date",
      "x-amz-security-token", "x-amz-content-sha256"};
  for (const auto& [name, value] : headers) {
    const std::string lower = Lower(name);
    if (lower == "authorization") {
      return ValueError(at, "authorization header must be changed via the basic_auth, authorization, oauth2, or "
                            "sigv4 parameter");
    }
    if (std::any_of(std::begin(kReserved), std::end(kReserved), [&](const char* r) { return lower == r; })) {
      return ValueError(at, name + " is a reserved header. It must not be changed");
    }
  }
  return Status::Ok();
}

Status CheckRemoteUrl(const YAML::Node& at, const std::string& url, std::string_view what) {
  if (url.empty()) return ValueError(at, "url for " + std::string(what) + " is empty");
  if (url[0] == ':') return ValueError(at, "parse " + GoQuote(url) + ": missing protocol scheme");
  return Status::Ok();
}

Status ParseAlertmanagerConfig(const YAML::Node& node, const std::string& dir, AlertmanagerConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.AlertmanagerConfig"));
  AlertmanagerConfig am;
  RETURN_IF_ERROR(ParseHttpClientConfig(m, node, dir, &am.http_client));
  YAML::Node statics = m.Get("static_configs");
  RETURN_IF_ERROR(ParseStaticConfigs(statics, &am.static_configs));
  RETURN_IF_ERROR(ParseFileSdConfigs(m.Get("file_sd_configs"), dir, &am.file_sd_configs));
  RETURN_IF_ERROR(ReadString(m.Get("scheme"), &am.scheme));
  RETURN_IF_ERROR(ReadString(m.Get("path_prefix"), &am.path_prefix));
  RETURN_IF_ERROR(ReadDuration(m.Get("timeout"), &am.timeout_ms));
  YAML::Node version = m.Get("api_version");
  RETURN_IF_ERROR(ReadString(version, &am.api_version));
  if (am.api_version != "v1" && am.api_version != "v2") {
    return ValueError(version, "expected Alertmanager api version to be one of [v1 v2] but got " + am.api_version);
  }
  RETURN_IF_ERROR(ParseRelabelConfigs(m.Get("relabel_configs"), "empty or null Alertmanager target relabeling rule",
                                      &am.relabel_configs));
  RETURN_IF_ERROR(m.Finish());
  if (am.relabel_configs.empty()) RETURN_IF_ERROR(CheckStaticTargets(am.static_configs, statics));
  *out = std::move(am);
  return Status::Ok();
}

Status ParseQueueConfig(const YAML::Node& node, QueueConfig* q) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.QueueConfig"));
  RETURN_IF_ERROR(ReadInt(m.Get("capacity"), &q->capacity));
  RETURN_IF_ERROR(ReadInt(m.Get("max_shards"), &q->max_shards));
  RETURN_IF_ERROR(ReadInt(m.Get("min_shards"), &q->min_shards));
  RETURN_IF_ERROR(ReadInt(m.Get("max_samples_per_send"), &q->max_samples_per_send));
  RETURN_IF_ERROR(ReadDuration(m.Get("batch_send_deadline"), &q->batch_send_deadline_ms));
  RETURN_IF_ERROR(ReadDuration(m.Get("min_backoff"), &q->min_backoff_ms));
  RETURN_IF_ERROR(ReadDuration(m.Get("max_backoff"), &q->max_backoff_ms));
  RETURN_IF_ERROR(ReadBool(m.Get("retry_on_http_429"), &q->retry_on_http_429));
  return m.Finish();
}

Status ParseMetadataConfig(const YAML::Node& node, MetadataConfig* md) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.MetadataConfig"));
  RETURN_IF_ERROR(ReadBool(m.Get("send"), &md->send));
  RETURN_IF_ERROR(ReadDuration(m.Get("send_interval"), &md->send_interval_ms));
  RETURN_IF_ERROR(ReadInt(m.Get("max_samples_per_send"), &md->max_samples_per_send));
  return m.Finish();
}

}  // namespace

Status ParseAlertingConfig(const YAML::Node& node, const std::string& dir, AlertingConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  AlertingConfig a;
  RETURN_IF_ERROR(ParseRelabelConfigs(m.Get("alert_relabel_configs"), "empty or null alert relabeling rule",
                                      &a.alert_relabel_configs));
  ASSIGN_OR_RETURN(std::vector<YAML::Node> ams, ReadSequence(m.Get("alertmanagers"), "[]*config.AlertmanagerConfig"));
  RETURN_IF_ERROR(m.Finish());
  for (const YAML::Node& item : ams) {
    AlertmanagerConfig am;
    RETURN_IF_ERROR(ParseAlertmanagerConfig(item, dir, &am));
    a.alertmanagers.push_back(std::move(am));
  }
  *out = std::move(a);
  return Status::Ok();
}

Status ParseRemoteWriteConfig(const YAML::Node& node, const std::string& dir, RemoteWriteConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  RemoteWriteConfig rw;
  YAML::Node url = m.Get("url");
  RETURN_IF_ERROR(ReadString(url, &rw.url));
  RETURN_IF_ERROR(ReadDuration(m.Get("remote_timeout"), &rw.remote_timeout_ms));
  YAML::Node headers = m.Get("headers");
  RETURN_IF_ERROR(ReadStringMap(headers, &rw.headers));
  RETURN_IF_ERROR(ParseRelabelConfigs(m.Get("write_relabel_configs"),
                                      "empty or null relabeling rule in remote write config",
                                      &rw.write_relabel_configs));
  RETURN_IF_ERROR(ReadString(m.Get("name"), &rw.name));
  RETURN_IF_ERROR(ReadBool(m.Get("send_exemplars"), &rw.send_exemplars));
  bool send_native_histograms = false;
  RETURN_IF_ERROR(ReadBool(m.Get("send_native_histograms"), &send_native_histograms));
  RETURN_IF_ERROR(ParseQueueConfig(m.Get("queue_config"), &rw.queue_config));
  RETURN_IF_ERROR(ParseMetadataConfig(m.Get("metadata_config"), &rw.metadata_config));
  RETURN_IF_ERROR(ParseHttpClientConfig(m, node, dir, &rw.http_client));
  RETURN_IF_ERROR(m.Finish());
  RETURN_IF_ERROR(CheckRemoteUrl(url.IsDefined() ? url : node, rw.url, "remote_write"));
  RETURN_IF_ERROR(ValidateHeaders(headers, rw.headers));
  *out = std::move(rw);
  return Status::Ok();
}

Status ParseRemoteReadConfig(const YAML::Node& node, const std::string& dir, RemoteReadConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  RemoteReadConfig rr;
  YAML::Node url = m.Get("url");
  RETURN_IF_ERROR(ReadString(url, &rr.url));
  RETURN_IF_ERROR(ReadDuration(m.Get("remote_timeout"), &rr.remote_timeout_ms));
  YAML::Node headers = m.Get("headers");
  RETURN_IF_ERROR(ReadStringMap(headers, &rr.headers));
  RETURN_IF_ERROR(ReadBool(m.Get("read_recent"), &rr.read_recent));
  RETURN_IF_ERROR(ReadString(m.Get("name"), &rr.name));
  RETURN_IF_ERROR(ReadStringMap(m.Get("required_matchers"), &rr.required_matchers));
  RETURN_IF_ERROR(ReadBool(m.Get("filter_external_labels"), &rr.filter_external_labels));
  RETURN_IF_ERROR(ParseHttpClientConfig(m, node, dir, &rr.http_client));
  RETURN_IF_ERROR(m.Finish());
  RETURN_IF_ERROR(CheckRemoteUrl(url.IsDefined() ? url : node, rr.url, "remote_read"));
  RETURN_IF_ERROR(ValidateHeaders(headers, rr.headers));
  *out = std::move(rr);
  return Status::Ok();
}

Status ParseStorageConfig(const YAML::Node& node, StorageConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.StorageConfig"));
  YAML::Node tsdb = m.Get("tsdb");
  YAML::Node exemplars = m.Get("exemplars");
  RETURN_IF_ERROR(m.Finish());
  ASSIGN_OR_RETURN(YamlMap t, YamlMap::Open(tsdb, "config.plain"));
  RETURN_IF_ERROR(ReadDuration(t.Get("out_of_order_time_window"), &out->out_of_order_time_window_ms));
  RETURN_IF_ERROR(t.Finish());
  ASSIGN_OR_RETURN(YamlMap e, YamlMap::Open(exemplars, "config.ExemplarsConfig"));
  RETURN_IF_ERROR(ReadInt(e.Get("max_exemplars"), &out->max_exemplars));
  return e.Finish();
}

Status ParseTracingConfig(const YAML::Node& node) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  std::string client_type = "grpc", endpoint, compression, sampling;
  bool insecure = false;
  std::map<std::string, std::string> headers;
  int64_t timeout_ms = 0;
  YAML::Node type = m.Get("client_type");
  RETURN_IF_ERROR(ReadString(type, &client_type));
  RETURN_IF_ERROR(ReadString(m.Get("endpoint"), &endpoint));
  RETURN_IF_ERROR(ReadString(m.Get("sampling_fraction"), &sampling));
  RETURN_IF_ERROR(ReadBool(m.Get("insecure"), &insecure));
  RETURN_IF_ERROR(ReadStringMap(m.Get("headers"), &headers));
  RETURN_IF_ERROR(ReadString(m.Get("compression"), &compression));
  RETURN_IF_ERROR(ReadDuration(m.Get("timeout"), &timeout_ms));
  YAML::Node tls = m.Get("tls_config");
  RETURN_IF_ERROR(m.Finish());
  (void)tls;
  if (client_type != "grpc" && client_type != "http") {
    return ValueError(type, "expected tracing client type to be to be http or grpc, but got " + client_type);
  }
  return Status::Ok();
}

}  // namespace pharos::server
