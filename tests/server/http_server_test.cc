// HttpServer over real sockets, bound to 127.0.0.1 only.
#include "server/http_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/e2e/http_client.h"

namespace pharos::server {
namespace {

using e2e::HttpConnection;
using e2e::HttpResponse;
using namespace std::chrono_literals;

uint16_t PortOf(const std::string& address) {
  return static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest()
      : log_(
            LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}, nullptr) {
    router_.Handle("GET", "/hello", [](const Request&) { return Response::Text(200, "hello\n"); });
    router_.Handle("POST", "/echo", [](const Request& req) {
      Response res = Response::Text(200, req.body);
      res.SetHeader("X-Method", req.method);
      res.SetHeader("X-Content-Type", std::string(req.Header("content-type")));
      return res;
    });
    router_.Handle("GET", "/query", [](const Request& req) {
      return Response::Text(200, std::string(req.QueryParam("q").value_or("<none>")));
    });
    router_.Handle("GET", "/inject", [](const Request&) {
      Response res = Response::Text(200, "ok");
      res.SetHeader("X-Good", "yes");
      res.SetHeader("X-Bad", "a\r\nSet-Cookie: evil=1");
      return res;
    });
    router_.Handle("GET", "/throw",
                   [](const Request&) -> Response { throw std::runtime_error("boom"); });
    router_.Handle("GET", "/slow", [this](const Request&) {
      slow_started_.set_value();
      release_slow_.wait_for(10s);
      return Response::Text(200, "slow\n");
    });
  }

  void StartServer() {
    options_.listen_address = "127.0.0.1:0";
    options_.logger = &log_;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(options_, router_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    port_ = PortOf(server_->address());
  }

  HttpConnection Connect() {
    Result<HttpConnection> conn = HttpConnection::Connect("127.0.0.1", port_);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(*conn);
  }

  HttpResponse Must(Result<HttpResponse> res) {
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }

  Logger log_;
  Router router_;
  HttpServerOptions options_;
  std::promise<void> slow_started_;
  std::promise<void> release_promise_;
  std::shared_future<void> release_slow_ = release_promise_.get_future().share();
  // Last, so the server stops before what its handlers use is destroyed.
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ReportsTheBoundAddress) {
  StartServer();
  EXPECT_EQ(server_->address().rfind("127.0.0.1:", 0), 0u) << server_->address();
  EXPECT_NE(port_, 0);
}

TEST_F(HttpServerTest, ServesGet) {
  StartServer();
  HttpResponse res = Must(e2e::HttpGet("127.0.0.1", port_, "/hello"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.reason, "OK");
  EXPECT_EQ(res.body, "hello\n");
  EXPECT_EQ(res.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(res.Header("Content-Length"), "6");
  EXPECT_FALSE(res.Header("Date").empty());
}

TEST_F(HttpServerTest, DecodesQueryAndPassesBodyAndHeaders) {
  StartServer();
  EXPECT_EQ(Must(e2e::HttpGet("127.0.0.1", port_, "/query?q=up%7Bjob%3D%22a%22%7D")).body,
            "up{job=\"a\"}");
  HttpConnection conn = Connect();
  HttpResponse res = Must(conn.RoundTrip("POST", "/echo", "a=1&b=2",
                                         {{"Content-Type", "application/x-www-form-urlencoded"}}));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "a=1&b=2");
  EXPECT_EQ(res.Header("X-Method"), "POST");
  EXPECT_EQ(res.Header("X-Content-Type"), "application/x-www-form-urlencoded");
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowed) {
  StartServer();
  HttpResponse nf = Must(e2e::HttpGet("127.0.0.1", port_, "/nope"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body, "404 page not found\n");
  HttpResponse na = Must(e2e::HttpRequest("127.0.0.1", port_, "DELETE", "/hello"));
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(na.Header("Allow"), "GET, HEAD");
}

TEST_F(HttpServerTest, KeepsConnectionsAlive) {
  StartServer();
  HttpConnection conn = Connect();
  for (int i = 0; i < 3; ++i) {
    HttpResponse res = Must(conn.RoundTrip("GET", "/hello"));
    EXPECT_EQ(res.status, 200);
    EXPECT_NE(res.Header("Connection"), "close");
  }
  HttpResponse last = Must(conn.RoundTrip("GET", "/hello", "", {{"Connection", "close"}}));
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.Header("Connection"), "close");
  EXPECT_TRUE(conn.PeerClosed());
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer();
  HttpConnection conn = Connect();
  ASSERT_TRUE(conn.Send("GET /query?q=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                        "GET /query?q=2 HTTP/1.1\r\nHost: t\r\n\r\n"
                        "GET /query?q=3 HTTP/1.1\r\nHost: t\r\n\r\n")
                  .ok());
  for (const char* want : {"1", "2", "3"}) {
    EXPECT_EQ(Must(conn.ReadResponse(false)).body, want);
  }
}

TEST_F(HttpServerTest, HeadSendsLengthButNoBody) {
  StartServer();
  HttpConnection conn = Connect();
  HttpResponse head = Must(conn.RoundTrip("HEAD", "/hello"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), "6");
  EXPECT_EQ(head.body, "");
  // Had a body been sent, it would now be read as the next status line.
  HttpResponse get = Must(conn.RoundTrip("GET", "/hello"));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello\n");
}

TEST_F(HttpServerTest, Http10ClosesByDefault) {
  StartServer();
  HttpConnection conn = Connect();
  ASSERT_TRUE(conn.Send("GET /hello HTTP/1.0\r\n\r\n").ok());
  HttpResponse res = Must(conn.ReadResponse(false));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello\n");
  EXPECT_TRUE(conn.PeerClosed());
}

TEST_F(HttpServerTest, RejectsOversizedBodies) {
  options_.max_body_bytes = 16;
  StartServer();
  HttpConnection conn = Connect();
  HttpResponse ok = Must(conn.RoundTrip("POST", "/echo", std::string(16, 'x')));
  EXPECT_EQ(ok.status, 200);
  HttpResponse res = Must(conn.RoundTrip("POST", "/echo", std::string(100, 'x')));
  EXPECT_EQ(res.status, 413);
  EXPECT_TRUE(conn.PeerClosed());
}

TEST_F(HttpServerTest, RejectsOversizedChunkedBodies) {
  options_.max_body_bytes = 16;
  StartServer();
  HttpConnection conn = Connect();
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n")
                  .ok());
  EXPECT_EQ(Must(conn.ReadResponse(false)).status, 413);
}

TEST_F(HttpServerTest, RejectsOversizedHeaders) {
  options_.max_header_bytes = 1024;
  StartServer();
  HttpConnection conn = Connect();
  HttpResponse res = Must(conn.RoundTrip("GET", "/hello", "", {{"X-Big", std::string(4096, 'a')}}));
  EXPECT_EQ(res.status, 431);
  EXPECT_TRUE(conn.PeerClosed());
}

TEST_F(HttpServerTest, RejectsMalformedRequests) {
  StartServer();
  for (const char* raw : {"garbage\r\n\r\n", "GET /hello HTTP/1.1 x\r\n\r\n",
                          "GET /hello HTTP/1.1\r\nbad header\r\n\r\n",
                          "POST /echo HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                          "GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n"}) {
    HttpConnection conn = Connect();
    ASSERT_TRUE(conn.Send(raw).ok());
    HttpResponse res = Must(conn.ReadResponse(false));
    EXPECT_EQ(res.status, 400) << raw;
  }
  // The server is still fine.
  EXPECT_EQ(Must(e2e::HttpGet("127.0.0.1", port_, "/hello")).status, 200);
}

TEST_F(HttpServerTest, ServesOnlyHttp10And11) {
  StartServer();
  for (const char* version : {"HTTP/0.9", "HTTP/1.2", "HTTP/2.0"}) {
    HttpConnection conn = Connect();
    ASSERT_TRUE(conn.Send(std::string("GET /hello ") + version + "\r\nHost: t\r\n\r\n").ok());
    EXPECT_EQ(Must(conn.ReadResponse(false)).status, 400) << version;
    EXPECT_TRUE(conn.PeerClosed());
  }
}

TEST_F(HttpServerTest, ExpectContinue) {
  StartServer();
  HttpConnection conn = Connect();
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                        "Expect: 100-continue\r\n\r\n")
                  .ok());
  // The client waits for the interim 100 (which ReadResponse skips) only
  // briefly, like curl; the server must cope either way.
  std::thread sender([&conn] {
    std::this_thread::sleep_for(50ms);
    (void)conn.Send("hello").IgnoreError();
  });
  HttpResponse res = Must(conn.ReadResponse(false));
  sender.join();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello");
}

TEST_F(HttpServerTest, ClosesConnectionsThatSendNothing) {
  options_.read_timeout = 200ms;
  StartServer();
  HttpConnection conn = Connect();
  EXPECT_TRUE(conn.PeerClosed(5s));
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  StartServer();
  HttpResponse res = Must(e2e::HttpGet("127.0.0.1", port_, "/throw"));
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(Must(e2e::HttpGet("127.0.0.1", port_, "/hello")).status, 200);
}

TEST_F(HttpServerTest, DropsHeadersThatWouldSplitTheResponse) {
  StartServer();
  HttpResponse res = Must(e2e::HttpGet("127.0.0.1", port_, "/inject"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("X-Good"), "yes");
  EXPECT_EQ(res.Header("X-Bad"), "");
  EXPECT_EQ(res.Header("Set-Cookie"), "");
}

TEST_F(HttpServerTest, SlowHandlerDoesNotBlockOtherConnections) {
  StartServer();
  HttpConnection slow = Connect();
  ASSERT_TRUE(slow.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n").ok());
  ASSERT_EQ(slow_started_.get_future().wait_for(5s), std::future_status::ready);
  // The slow handler is blocked; another request still gets an answer.
  EXPECT_EQ(Must(e2e::HttpGet("127.0.0.1", port_, "/hello")).status, 200);
  release_promise_.set_value();
  EXPECT_EQ(Must(slow.ReadResponse(false)).body, "slow\n");
}

TEST_F(HttpServerTest, LimitsConnections) {
  options_.max_connections = 1;
  StartServer();
  HttpConnection first = Connect();
  EXPECT_EQ(Must(first.RoundTrip("GET", "/hello")).status, 200);
  HttpConnection second = Connect();  // accepted by the kernel, then closed
  EXPECT_TRUE(second.PeerClosed());
  EXPECT_EQ(Must(first.RoundTrip("GET", "/hello")).status, 200);
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndStopsListening) {
  StartServer();
  HttpConnection idle = Connect();
  EXPECT_EQ(Must(idle.RoundTrip("GET", "/hello")).status, 200);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, options_.shutdown_grace);
  EXPECT_TRUE(idle.PeerClosed());
  EXPECT_FALSE(HttpConnection::Connect("127.0.0.1", port_).ok());
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, StopLetsRequestsInFlightFinish) {
  StartServer();
  HttpConnection slow = Connect();
  ASSERT_TRUE(slow.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n").ok());
  ASSERT_EQ(slow_started_.get_future().wait_for(5s), std::future_status::ready);
  std::thread stopper([this] { server_->Stop(); });
  std::this_thread::sleep_for(100ms);
  release_promise_.set_value();
  HttpResponse res = Must(slow.ReadResponse(false));
  stopper.join();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "slow\n");
  EXPECT_EQ(res.Header("Connection"), "close");
}

TEST_F(HttpServerTest, BindErrors) {
  StartServer();
  HttpServerOptions taken = options_;
  taken.listen_address = server_->address();
  Result<std::unique_ptr<HttpServer>> second = HttpServer::Start(taken, router_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("listen tcp " + server_->address() + ": bind: "),
            std::string::npos)
      << second.status().message();

  for (const char* bad :
       {"127.0.0.1", "127.0.0.1:99999", "127.0.0.1:x", "::1:80", "[::1:80", ":", "127.0.0.1:"}) {
    HttpServerOptions o = options_;
    o.listen_address = bad;
    Result<std::unique_ptr<HttpServer>> s = HttpServer::Start(o, router_);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace pharos::server
