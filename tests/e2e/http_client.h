// A minimal blocking HTTP/1.1 client over plain sockets, for tests that talk
// to a real server. Every call is bounded by the deadline it is given.
//
//   ASSIGN_OR_RETURN(HttpResponse res, HttpGet("127.0.0.1", port, "/-/ready"));
//   EXPECT_EQ(res.status, 200);
//
//   ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Connect("127.0.0.1", port));
//   conn.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");        // raw bytes
//   ASSIGN_OR_RETURN(HttpResponse res, conn.ReadResponse(/*head=*/false));
//
// Thread-safety: a connection is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/status.h"

namespace pharos::e2e {

using Clock = std::chrono::steady_clock;
inline constexpr std::chrono::milliseconds kDefaultHttpTimeout{5000};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name` (any case), or "" when absent.
  std::string Header(std::string_view name) const;
};

class HttpConnection {
 public:
  // Connects to host:port (a numeric IPv4 address). Errors: kUnavailable
  // when refused or when the deadline passes.
  static Result<HttpConnection> Connect(const std::string& host, uint16_t port,
                                        std::chrono::milliseconds timeout = kDefaultHttpTimeout);

  HttpConnection(HttpConnection&& other) noexcept;
  HttpConnection& operator=(HttpConnection&& other) noexcept;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  // Writes `bytes` as they are.
  Status Send(std::string_view bytes, std::chrono::milliseconds timeout = kDefaultHttpTimeout);

  // Reads one response. Its body is delimited by Content-Length, chunked
  // encoding, or the end of the connection; `head` says the request was a
  // HEAD, whose response has no body whatever its headers say.
  Result<HttpResponse> ReadResponse(bool head,
                                    std::chrono::milliseconds timeout = kDefaultHttpTimeout);

  // Sends a request with Host and Content-Length added, then reads the
  // response.
  Result<HttpResponse> RoundTrip(
      const std::string& method, const std::string& target, const std::string& body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      std::chrono::milliseconds timeout = kDefaultHttpTimeout);

  // True when the server closed the connection: the next read sees EOF
  // within `timeout` (and no data).
  bool PeerClosed(std::chrono::milliseconds timeout = kDefaultHttpTimeout);

 private:
  explicit HttpConnection(int fd) : fd_(fd) {}

  // Reads more bytes into buffer_; kUnavailable on EOF, kDeadlineExceeded
  // on timeout.
  Status Fill(Clock::time_point deadline);
  // Reads until buffer_ holds `delim`; returns the text before it and
  // consumes through it.
  Result<std::string> ReadUntil(std::string_view delim, Clock::time_point deadline);
  Result<std::string> ReadExactly(size_t n, Clock::time_point deadline);

  int fd_ = -1;
  std::string host_;
  std::string buffer_;  // received, not yet consumed
};

// One request on a fresh connection ("Connection: close").
Result<HttpResponse> HttpGet(const std::string& host, uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout = kDefaultHttpTimeout);
Result<HttpResponse> HttpRequest(const std::string& host, uint16_t port, const std::string& method,
                                 const std::string& target, const std::string& body = "",
                                 std::chrono::milliseconds timeout = kDefaultHttpTimeout);

}  // namespace pharos::e2e
