// HttpPoster: sends HTTP(S) POST requests concurrently and waits for all of
// them, each bounded by a timeout. Boost.Beast does the work in
// http_poster.cc; this header stays free of it.
//
// Thread-safety: PostAll() is called from one thread at a time; Cancel()
// may be called from any thread and makes the running and every later
// PostAll() return promptly with kCancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tsdb/status.h"

namespace pharos::rules::notifier {

// TLS settings of an https request (Prometheus' tls_config).
struct TlsOptions {
  std::string ca_file;    // PEM CA bundle; "" = the system's
  std::string cert_file;  // client certificate (PEM), with key_file
  std::string key_file;
  std::string server_name;  // for SNI and verification; "" = the host
  bool insecure_skip_verify = false;
};

struct HttpPost {
  std::string host;    // name or address, without brackets for IPv6
  std::string port;    // "9093"
  bool https = false;  // TLS with `tls`
  TlsOptions tls{};
  std::string target;  // "/api/v2/alerts"
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, Content-Length
  std::string body;
};

class HttpPoster {
 public:
  HttpPoster();
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Sends every post at once and returns their outcomes in order: OK for a
  // 2xx answer; kUnavailable for "bad response status 500 Internal Server
  // Error", a connection or TLS error (bad CA or key files too);
  // kDeadlineExceeded after `timeout`;
  // kCancelled after Cancel().
  std::vector<Status> PostAll(const std::vector<HttpPost>& posts, std::chrono::milliseconds timeout);

  void Cancel();

 private:
  struct Run;
  std::mutex mu_;
  std::shared_ptr<Run> running_;  // GUARDED_BY(mu_)
  std::atomic<bool> cancelled_{false};
};

}  // namespace pharos::rules::notifier
