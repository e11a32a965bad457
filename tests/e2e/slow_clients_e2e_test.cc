// The real binary under hostile clients: hundreds of connections that
// trickle a header byte by byte, stall after connecting, or never read
// their (large) answers must not slow a well-behaved client's queries, and
// --web.read-timeout must close the stalled ones. A client that hangs up
// while its query evaluates cancels the evaluation (499 on /metrics, CPU
// use stops).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "server/remote/remote.pb.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/suite_server.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

constexpr int kSeries = 400;
constexpr int kSamples = 240;  // an hour of 15 s samples

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A non-blocking TCP connection to 127.0.0.1:port, or -1. `rcvbuf` > 0
// shrinks the receive buffer so unread answers back up into the server.
int RawConnect(uint16_t port, int rcvbuf = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// True when the server closed `fd`: a read sees EOF or a reset. Unread
// answer bytes are skipped.
bool ServerClosed(int fd) {
  char buf[4096];
  for (int i = 0; i < 1000; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
  return false;
}

// The value of the first /metrics line starting with `prefix`, or -1.
double MetricValue(uint16_t port, const std::string& prefix) {
  auto res = HttpGet("127.0.0.1", port, "/metrics", 5s);
  if (!res.ok() || res->status != 200) return -1;
  size_t at = 0;
  while ((at = res->body.find(prefix, at)) != std::string::npos) {
    if (at == 0 || res->body[at - 1] == '\n') {
      size_t sp = res->body.find(' ', at + prefix.size());
      size_t nl = res->body.find('\n', at);
      if (sp == std::string::npos || sp > nl) return -1;
      return std::stod(res->body.substr(sp + 1, nl - sp - 1));
    }
    at += prefix.size();
  }
  return -1;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class SlowClientsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer("pharos-slow-clients-e2e");
    Status s = server_->Start(PHAROS_BINARY, {"--storage.tsdb.path=" + server_->dir() + "/data",
                                              "--web.enable-remote-write-receiver",
                                              "--web.read-timeout=2s"});
    ASSERT_TRUE(s.ok()) << s.ToString();
    end_ms_ = (WallMs() - 60'000) / 15'000 * 15'000;
    prometheus::WriteRequest req;
    for (int i = 0; i < kSeries; ++i) {
      prometheus::TimeSeries* ts = req.add_timeseries();
      for (auto [n, v] : {std::pair<std::string, std::string>{"__name__", "load_metric"},
                          {"instance", "host-" + std::to_string(i % 40)},
                          {"series", std::to_string(i)}}) {
        prometheus::Label* l = ts->add_labels();
        l->set_name(n);
        l->set_value(v);
      }
      for (int j = 0; j < kSamples; ++j) {
        prometheus::Sample* sample = ts->add_samples();
        sample->set_timestamp(end_ms_ - (kSamples - 1 - j) * 15'000);
        sample->set_value(i * 7 + j * 1.25);
      }
    }
    std::string raw = req.SerializeAsString(), body;
    snappy::Compress(raw.data(), raw.size(), &body);
    auto conn = HttpConnection::Connect("127.0.0.1", server_->port());
    ASSERT_TRUE(conn.ok());
    auto res = conn->RoundTrip("POST", "/api/v1/write", body,
                               {{"Content-Type", "application/x-protobuf"},
                                {"Content-Encoding", "snappy"},
                                {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                               30s);
    ASSERT_TRUE(res.ok() && res->status == 204) << (res.ok() ? res->body : res.status().ToString());
  }

  static void TearDownTestSuite() {
    Result<int> code = server_->Stop();
    EXPECT_TRUE(code.ok() && *code == 0);
    delete server_;
    server_ = nullptr;
  }

  static uint16_t port() { return server_->port(); }

  static inline SuiteServer* server_ = nullptr;
  static inline int64_t end_ms_ = 0;
};

TEST_F(SlowClientsE2e, StalledClientsNeitherBlockQueriesNorStayOpen) {
  const std::string query =
      "/api/v1/query?query=" + UrlEncode("sum by (instance) (rate(load_metric[5m]))") +
      "&time=" + std::to_string(end_ms_ / 1000);
  const std::string big = "GET /api/v1/query_range?query=" + UrlEncode("load_metric * 1.5") +
                          "&start=" + std::to_string(end_ms_ / 1000 - 1800) +
                          "&end=" + std::to_string(end_ms_ / 1000) +
                          "&step=15 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> trickling, silent, deaf;
  for (int i = 0; i < 100; ++i) trickling.push_back(RawConnect(port()));
  for (int i = 0; i < 80; ++i) silent.push_back(RawConnect(port()));
  for (int i = 0; i < 20; ++i) {
    // Each asks for a ~1.5 MB answer twice and reads none of it.
    int fd = RawConnect(port(), 4096);
    deaf.push_back(fd);
    if (fd >= 0) {
      std::string two = big + big;
      (void)!::send(fd, two.data(), two.size(), MSG_NOSIGNAL);
    }
  }
  for (const auto* set : {&trickling, &silent, &deaf}) {
    ASSERT_EQ(std::count(set->begin(), set->end(), -1), 0);
  }

  // One byte of a never-ending header every 100 ms on each trickling
  // connection, while a well-behaved client queries.
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    const std::string header = "GET /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (size_t i = 0; !stop.load(); ++i) {
      char c = i < header.size() ? header[i] : 'a';
      for (int fd : trickling) (void)!::send(fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(100ms);
    }
  });
  std::this_thread::sleep_for(1s);  // the deaf clients' answers are written
  auto start = Clock::now();
  std::vector<double> latencies;
  while (Clock::now() - start < 3500ms) {
    auto t0 = Clock::now();
    auto res = HttpGet("127.0.0.1", port(), query, 5s);
    double took = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 200) << res->body;
    latencies.push_back(took);
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(latencies.size(), 10u);
  EXPECT_LT(*std::max_element(latencies.begin(), latencies.end()), 1.0);

  // --web.read-timeout=2s has passed for every trickling and silent
  // connection: the server closed them, though bytes kept coming.
  auto deadline = Clock::now() + 3s;
  size_t open = 0;
  do {
    open = 0;
    for (int fd : trickling) open += ServerClosed(fd) ? 0 : 1;
    for (int fd : silent) open += ServerClosed(fd) ? 0 : 1;
    if (open > 0) std::this_thread::sleep_for(100ms);
  } while (open > 0 && Clock::now() < deadline);
  stop = true;
  trickler.join();
  EXPECT_EQ(open, 0u);

  // The server still answers, and the deaf clients' connections can go.
  auto res = HttpGet("127.0.0.1", port(), "/-/ready", 2s);
  EXPECT_TRUE(res.ok() && res->status == 200);
  for (const auto* set : {&trickling, &silent, &deaf}) {
    for (int fd : *set) ::close(fd);
  }
}

TEST_F(SlowClientsE2e, HangingUpCancelsTheQuery) {
  // A window sorted at each of 3.6 million steps of a subquery over one
  // series: billions of comparisons, far beyond a second, with the
  // subquery's points (58 MB) the only memory it takes.
  const std::string expr =
      "max_over_time(quantile_over_time(0.5, load_metric{series=\"0\"}[1h])[1h:1ms])";
  const std::string target = "/api/v1/query?query=" + UrlEncode(expr) +
                             "&time=" + std::to_string(end_ms_ / 1000);
  auto timed = HttpGet("127.0.0.1", port(), target + "&timeout=1s", 10s);
  ASSERT_TRUE(timed.ok());
  ASSERT_EQ(timed->status, 503) << "the query must take over a second: " << timed->body;

  const std::string canceled =
      "pharos_http_requests_total{code=\"499\",handler=\"/api/v1/query\"}";
  double before = std::max(0.0, MetricValue(port(), canceled));
  auto conn = HttpConnection::Connect("127.0.0.1", port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn->Send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  std::this_thread::sleep_for(100ms);
  auto hung_up = Clock::now();
  { HttpConnection gone = std::move(*conn); }  // closes the socket

  // The evaluation stops within a second of the hang-up: its answer (499)
  // is counted, and the server's CPU time stops growing.
  double after = before;
  while (after <= before && Clock::now() - hung_up < 5s) {
    std::this_thread::sleep_for(50ms);
    after = MetricValue(port(), canceled);
  }
  EXPECT_EQ(after, before + 1);
  EXPECT_LT(Clock::now() - hung_up, 1500ms);
  double cpu0 = MetricValue(port(), "process_cpu_seconds_total");
  std::this_thread::sleep_for(1s);
  double cpu1 = MetricValue(port(), "process_cpu_seconds_total");
  ASSERT_GE(cpu0, 0);
  EXPECT_LT(cpu1 - cpu0, 0.5);
}

}  // namespace
}  // namespace pharos::e2e
