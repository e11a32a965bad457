// HttpScraper: fetches one target's metrics over HTTP or HTTPS, keeping the
// connection alive between scrapes, as Prometheus' targetScraper does.
//
//   HttpScraper s(io, {.url = "http://127.0.0.1:9100/metrics", .timeout_ms = 10000});
//   s.Fetch([](Status st, HttpScraper::Response r) { ... });   // on io's thread
//
// Sends Prometheus 2.42's Accept header, Accept-Encoding: gzip,
// X-Prometheus-Scrape-Timeout-Seconds and a Pharos User-Agent, plus basic
// auth or an Authorization header. The whole fetch (connect, write, read)
// is bounded by timeout_ms. A gzip body is inflated; body_size_limit bounds
// the uncompressed body. Errors read as Prometheus' do:
//   Get "http://h:1/metrics": dial tcp h:1: connect: connection refused
//   Get "http://h:1/metrics": context deadline exceeded   (before the headers)
//   context deadline exceeded                            (while reading the body)
//   server returned HTTP status 500 Internal Server Error
//   body size limit exceeded
//   Get "https://h:1/metrics": x509: certificate signed by unknown authority
// https:// URLs are fetched over TLS as `tls` says (see tls_context.h).
// Redirects (301, 302, 303, 307, 308) are followed, at most 10 in a row,
// unless follow_redirects is false (the 3xx is then the answer, an error
// "server returned HTTP status 302 Found"), as Go's http.Client does.
//
// Thread-safety: Fetch() and the destructor are called on the io_context's
// thread (a single-threaded io_context); one Fetch at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/scrape/tls_context.h"
#include "tsdb/status.h"

namespace boost::asio {
class io_context;
}

namespace pharos::server::scrape {

class HttpScraper {
 public:
  struct Options {
    std::string url;
    int64_t timeout_ms = 10000;
    uint64_t body_size_limit = 0;  // 0: none
    // Full Authorization header value ("Basic ...", "Bearer ..."), or "".
    std::string authorization;
    std::string user_agent = "Pharos";
    // For https:// (the URL's, or a redirect's). Default (null): a context
    // verifying against the system roots, made on first use.
    std::shared_ptr<TlsContext> tls;
    // Default: true.
    bool follow_redirects = true;
  };
  struct Response {
    std::string body;
    std::string content_type;
  };
  using Callback = std::function<void(Status, Response)>;

  HttpScraper(boost::asio::io_context& io, Options options);
  ~HttpScraper();
  HttpScraper(const HttpScraper&) = delete;
  HttpScraper& operator=(const HttpScraper&) = delete;

  // Starts a fetch; `done` runs on the io_context's thread exactly once.
  void Fetch(Callback done);
  // Aborts a fetch in flight (its callback gets an error) and closes the
  // connection.
  void Cancel();

  static constexpr const char* kAcceptHeader =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
      "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

// The error of a fetch whose body (inflated, when gzipped) is over the
// body size limit; the scrape manager counts these scrapes by it.
inline constexpr const char* kBodySizeLimitExceeded = "body size limit exceeded";

// "Basic base64(user:pass)".
std::string BasicAuthHeader(const std::string& user, const std::string& password);

// Inflates a gzip stream; false with `*err` set on corrupt data or when the
// output would exceed `limit` bytes (0: none; err "body size limit exceeded").
bool GunzipBounded(const std::string& in, uint64_t limit, std::string* out, std::string* err);

}  // namespace pharos::server::scrape
