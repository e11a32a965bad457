// HttpServer: HTTP/1.1 over TCP, serving a Router.
//
//   Router router;  RegisterHealthHandlers(router, ready);
//   HttpServerOptions options;
//   options.listen_address = "127.0.0.1:0";
//   options.logger = &log;
//   ASSIGN_OR_RETURN(auto server, HttpServer::Start(options, router));
//   server->address();   // "127.0.0.1:40123": the port actually bound
//   ...
//   server->Stop();      // graceful: in-flight requests finish first
//
// Connections are kept alive as HTTP/1.1 allows; requests on one connection
// are answered in order, one at a time. Network I/O runs on `io_threads`;
// handlers run on a separate pool of `handler_threads`, so a slow handler
// never stalls other connections. A request whose header or body exceeds
// its limit is answered 431 or 413 and the connection closed; a malformed
// request gets 400; a handler that throws gets 500 and the error is logged.
// Responses are gzipped when the request's Accept-Encoding allows it and the
// handler set no Content-Encoding.
//
// Thread-safety: address() and Stop() may be called from any thread.
// REQUIRES: the Router and the Logger outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/logger.h"
#include "server/router.h"
#include "tsdb/status.h"

namespace pharos::server {

struct HttpServerOptions {
  // host:port to listen on. The host may be an IPv4 address, a bracketed
  // IPv6 address ("[::1]:9090"), a name to resolve, or empty for every IPv4
  // interface (":9090"). Port 0 picks a free port. Default: "0.0.0.0:9090".
  std::string listen_address = "0.0.0.0:9090";

  // Threads running network I/O. Default: 1.
  int io_threads = 1;
  // Threads running handlers. Default: 2.
  int handler_threads = 2;
  // Threads running handlers registered on Lane::kQuery: at most this many
  // such requests run at once, the others wait in a queue without holding
  // up any other request (Prometheus' --query.max-concurrency). Default: 2.
  int query_threads = 2;

  // Longest wait for a whole request, including the wait for its first byte
  // on a kept-alive connection (Prometheus' --web.read-timeout).
  // Default: 5 minutes.
  std::chrono::milliseconds read_timeout = std::chrono::minutes(5);
  // Longest time to write one response. Default: 5 minutes.
  std::chrono::milliseconds write_timeout = std::chrono::minutes(5);

  // Largest request body accepted; larger ones get 413. Default: 64 MiB.
  uint64_t max_body_bytes = 64ULL << 20;
  // Largest request line plus headers; larger ones get 431. Default: 1 MiB.
  uint32_t max_header_bytes = 1U << 20;
  // Connections beyond this many are closed as soon as they are accepted
  // (Prometheus' --web.max-connections). Default: 512.
  int max_connections = 512;

  // How long Stop() lets in-flight requests finish before closing their
  // connections. Default: 5 s.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);

  // Where errors are logged. Required.
  const Logger* logger = nullptr;
};

class HttpServer {
 public:
  // Binds options.listen_address and starts serving `router`. Errors:
  // kInvalidArgument for an address that does not parse or resolve,
  // kUnavailable when it cannot be bound (the message reads like Go's:
  // "listen tcp 0.0.0.0:9090: bind: Address already in use").
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, const Router& router);

  class Impl;
  // Use Start(). Impl is defined only in http_server.cc.
  explicit HttpServer(std::unique_ptr<Impl> impl);

  // Stops the server if Stop() was not called.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The address actually bound, as host:port ("127.0.0.1:40123",
  // "[::1]:9090").
  std::string address() const;

  // Stops accepting, closes idle connections, lets requests in flight
  // finish (their responses say "Connection: close") for at most
  // shutdown_grace, then closes everything and joins the threads.
  // Idempotent.
  void Stop();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pharos::server
