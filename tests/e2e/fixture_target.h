// FixtureTarget: a tiny HTTP server, in the test process, that plays scrape
// targets. Each path answers as the test says, and may change between
// scrapes.
//
//   FixtureTarget target;                       // listens on 127.0.0.1:<port>
//   target.Set("/metrics", {.body = "a 1\n"});
//   ... point a scrape config at "127.0.0.1:" + std::to_string(target.port()) ...
//   target.Set("/metrics", {.status = 500});
//   FixtureTarget::Seen seen = target.Requests("/metrics");
//
// Connections are kept alive as a scraper expects; every connection gets a
// thread. A path without a response answers 404. Query strings are ignored
// for matching and recorded.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pharos::e2e {

// An OpenMetrics body with a counter (an exemplar and _created), a HELP,
// a UNIT and the closing # EOF.
inline constexpr const char* kOpenMetricsExample = R"(# TYPE om_requests counter
# HELP om_requests Requests.
om_requests_total{path="/"} 7 # {trace_id="abc"} 1.0 1600000000.000
om_requests_created{path="/"} 1600000000.5
# TYPE om_size_bytes gauge
# UNIT om_size_bytes bytes
om_size_bytes 42
# EOF
)";

struct FixtureResponse {
  int status = 200;
  // Default: the text format 0.0.4.
  std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
  std::string body = "";
  // Sent with Content-Encoding: gzip.
  bool gzip = false;
  // Waits this long before answering.
  int delay_ms = 0;
  // Reads the request and never answers (until the peer closes).
  bool never_answer = false;
  // Sends the headers, then the body one byte every `trickle_ms`.
  int trickle_ms = 0;
  // When > 0: instead of `body`, streams this many bytes of valid text
  // format generated on the fly, never held in memory: the sample
  // `fixture_huge_body 1`, then comment lines.
  uint64_t generated_bytes = 0;
};

class FixtureTarget {
 public:
  // Binds 127.0.0.1:0 and starts accepting. Aborts the test process when
  // the socket cannot be bound.
  FixtureTarget();
  // Closes every connection and joins every thread.
  ~FixtureTarget();
  FixtureTarget(const FixtureTarget&) = delete;
  FixtureTarget& operator=(const FixtureTarget&) = delete;

  uint16_t port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;

  void Set(const std::string& path, FixtureResponse response);
  // Answers 404 from now on.
  void Remove(const std::string& path);

  // What arrived for a path.
  struct Seen {
    int count = 0;
    // Headers of the last request, names lower-cased.
    std::map<std::string, std::string> last_headers;
    // The last request's query string, without '?'.
    std::string last_query;
  };
  Seen Requests(const std::string& path) const;

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Writes all of `data`; false when the peer is gone or we are stopping.
  bool WriteAll(int fd, const char* data, size_t n);
  void Answer(int fd, const FixtureResponse& r, bool* keep_alive);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::map<std::string, FixtureResponse> responses_;  // GUARDED_BY(mu_)
  std::map<std::string, Seen> seen_;                  // GUARDED_BY(mu_)
  std::vector<std::thread> connections_;              // GUARDED_BY(mu_)
  std::vector<int> fds_;                              // GUARDED_BY(mu_): open connections
};

}  // namespace pharos::e2e
