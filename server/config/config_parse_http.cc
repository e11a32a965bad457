// The HTTP client fields shared by scrape, alertmanager and remote configs:
// Prometheus' common/config HTTPClientConfig (v0.39, as in 2.42).

#include <algorithm>

#include "server/config/config_sections.h"

namespace pharos::server {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Status ParseTlsConfig(const YAML::Node& node, const std::string& dir, TlsConfig* out) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.plain"));
  std::string ca, cert, key;
  RETURN_IF_ERROR(ReadString(m.Get("ca"), &ca));
  RETURN_IF_ERROR(ReadString(m.Get("cert"), &cert));
  RETURN_IF_ERROR(ReadString(m.Get("key"), &key));
  RETURN_IF_ERROR(ReadString(m.Get("ca_file"), &out->ca_file));
  RETURN_IF_ERROR(ReadString(m.Get("cert_file"), &out->cert_file));
  RETURN_IF_ERROR(ReadString(m.Get("key_file"), &out->key_file));
  RETURN_IF_ERROR(ReadString(m.Get("server_name"), &out->server_name));
  RETURN_IF_ERROR(ReadBool(m.Get("insecure_skip_verify"), &out->insecure_skip_verify));
  YAML::Node min_version = m.Get("min_version");
  RETURN_IF_ERROR(ReadString(min_version, &out->min_version));
  RETURN_IF_ERROR(m.Finish());
  if (!out->min_version.empty()) {
    static const char* kVersions[] = {"TLS10", "TLS11", "TLS12", "TLS13"};
    if (std::none_of(std::begin(kVersions), std::end(kVersions),
                     [&](const char* v) { return out->min_version == v; })) {
      return ValueError(min_version, "unknown TLS version: " + out->min_version);
    }
  }
  if (!ca.empty() && !out->ca_file.empty()) {
    return ValueError(node, "at most one of ca and ca_file must be configured");
  }
  if (!cert.empty() && !out->cert_file.empty()) {
    return ValueError(node, "at most one of cert and cert_file must be configured");
  }
  if (!key.empty() && !out->key_file.empty()) {
    return ValueError(node, "at most one of key and key_file must be configured");
  }
  out->ca_file = JoinDir(dir, out->ca_file);
  out->cert_file = JoinDir(dir, out->cert_file);
  out->key_file = JoinDir(dir, out->key_file);
  return Status::Ok();
}

// Go's url.Parse for the cases configs hit: "parse "::": missing protocol scheme".
Status CheckUrl(const YAML::Node& at, const std::string& url) {
  const size_t colon = url.find(':');
  if (colon == 0) return ValueError(at, "parse " + GoQuote(url) + ": missing protocol scheme");
  if (url.find_first_of(" \t\n") != std::string::npos && colon != std::string::npos) {
    return ValueError(at, "parse " + GoQuote(url) + ": invalid character \" \" in host name");
  }
  return Status::Ok();
}

}  // namespace

Status ParseHttpClientConfig(YamlMap& m, const YAML::Node& at, const std::string& dir, HttpClientConfig* out) {
  YAML::Node basic = m.Get("basic_auth");
  if (basic.IsDefined() && !basic.IsNull()) {
    ASSIGN_OR_RETURN(YamlMap b, YamlMap::Open(basic, "config.plain"));
    BasicAuth auth;
    RETURN_IF_ERROR(ReadString(b.Get("username"), &auth.username));
    RETURN_IF_ERROR(ReadString(b.Get("password"), &auth.password));
    RETURN_IF_ERROR(ReadString(b.Get("password_file"), &auth.password_file));
    RETURN_IF_ERROR(b.Finish());
    auth.password_file = JoinDir(dir, auth.password_file);
    out->basic_auth = std::move(auth);
  }
  YAML::Node authorization = m.Get("authorization");
  if (authorization.IsDefined() && !authorization.IsNull()) {
    ASSIGN_OR_RETURN(YamlMap a, YamlMap::Open(authorization, "config.Authorization"));
    Authorization auth;
    auth.type.clear();
    RETURN_IF_ERROR(ReadString(a.Get("type"), &auth.type));
    RETURN_IF_ERROR(ReadString(a.Get("credentials"), &auth.credentials));
    RETURN_IF_ERROR(ReadString(a.Get("credentials_file"), &auth.credentials_file));
    RETURN_IF_ERROR(a.Finish());
    auth.credentials_file = JoinDir(dir, auth.credentials_file);
    out->authorization = std::move(auth);
  }
  YAML::Node oauth2 = m.Get("oauth2");
  if (oauth2.IsDefined() && !oauth2.IsNull()) {
    ASSIGN_OR_RETURN(YamlMap o, YamlMap::Open(oauth2, "config.plain"));
    OAuth2 auth;
    RETURN_IF_ERROR(ReadString(o.Get("client_id"), &auth.client_id));
    RETURN_IF_ERROR(ReadString(o.Get("client_secret"), &auth.client_secret));
    RETURN_IF_ERROR(ReadString(o.Get("client_secret_file"), &auth.client_secret_file));
    RETURN_IF_ERROR(ReadStringList(o.Get("scopes"), &auth.scopes));
    RETURN_IF_ERROR(ReadString(o.Get("token_url"), &auth.token_url));
    RETURN_IF_ERROR(ReadStringMap(o.Get("endpoint_params"), &auth.endpoint_params));
    TlsConfig unused_tls;
    RETURN_IF_ERROR(ParseTlsConfig(o.Get("tls_config"), dir, &unused_tls));
    std::string unused_proxy;
    RETURN_IF_ERROR(ReadString(o.Get("proxy_url"), &unused_proxy));
    RETURN_IF_ERROR(o.Finish());
    auth.client_secret_file = JoinDir(dir, auth.client_secret_file);
    out->oauth2 = std::move(auth);
  }
  std::string bearer_token, bearer_token_file;
  RETURN_IF_ERROR(ReadString(m.Get("bearer_token"), &bearer_token));
  RETURN_IF_ERROR(ReadString(m.Get("bearer_token_file"), &bearer_token_file));
  RETURN_IF_ERROR(ParseTlsConfig(m.Get("tls_config"), dir, &out->tls_config));
  YAML::Node proxy = m.Get("proxy_url");
  RETURN_IF_ERROR(ReadString(proxy, &out->proxy_url));
  if (!out->proxy_url.empty()) RETURN_IF_ERROR(CheckUrl(proxy, out->proxy_url));
  RETURN_IF_ERROR(ReadBool(m.Get("follow_redirects"), &out->follow_redirects));
  RETURN_IF_ERROR(ReadBool(m.Get("enable_http2"), &out->enable_http2));

  // HTTPClientConfig.Validate, in its order.
  const bool bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    return ValueError(at, "at most one of bearer_token & bearer_token_file must be configured");
  }
  if ((out->basic_auth || out->oauth2) && bearer) {
    return ValueError(at, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (out->basic_auth && !out->basic_auth->password.empty() && !out->basic_auth->password_file.empty()) {
    return ValueError(basic, "at most one of basic_auth password & password_file must be configured");
  }
  if (out->authorization) {
    Authorization& auth = *out->authorization;
    if (bearer) return ValueError(at, "authorization is not compatible with bearer_token & bearer_token_file");
    if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
      return ValueError(authorization, "at most one of authorization credentials & credentials_file must be configured");
    }
    auth.type = Trim(auth.type);
    if (auth.type.empty()) auth.type = "Bearer";
    if (Lower(auth.type) == "basic") {
      return ValueError(authorization, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (out->basic_auth || out->oauth2) {
      return ValueError(at, "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else if (bearer) {
    Authorization auth;
    auth.credentials = bearer_token;
    auth.credentials_file = JoinDir(dir, bearer_token_file);
    out->authorization = std::move(auth);
  }
  if (out->oauth2) {
    const OAuth2& o = *out->oauth2;
    if (out->basic_auth) return ValueError(at, "at most one of basic_auth, oauth2 & authorization must be configured");
    if (o.client_id.empty()) return ValueError(oauth2, "oauth2 client_id must be configured");
    if (o.client_secret.empty() && o.client_secret_file.empty()) {
      return ValueError(oauth2, "either oauth2 client_secret or client_secret_file must be configured");
    }
    if (o.token_url.empty()) return ValueError(oauth2, "oauth2 token_url must be configured");
    if (!o.client_secret.empty() && !o.client_secret_file.empty()) {
      return ValueError(oauth2, "at most one of oauth2 client_secret & client_secret_file must be configured");
    }
  }
  return Status::Ok();
}

}  // namespace pharos::server
