// The only file that knows Boost.Beast. The shape follows Beast's advanced
// server: a listener accepting onto strands, one Session object per
// connection kept alive by its pending operations, timeouts through
// beast::tcp_stream. Handlers run on a thread pool and the response is
// posted back to the session's strand.
#include "server/http_server.h"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/gzip.h"

namespace pharos::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using beast::error_code;

class Session;

// State shared by the server, its listener and every session. Sessions hold
// a shared_ptr so it outlives the last of them.
struct Shared {
  HttpServerOptions options;
  const Router* router;
  const Logger* log;
  asio::thread_pool* handlers;
  asio::thread_pool* queries;  // Lane::kQuery handlers

  std::mutex mu;
  std::condition_variable cv;                                     // signalled when a session ends
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // GUARDED_BY(mu)
  uint64_t next_id = 0;                                           // GUARDED_BY(mu)
  bool stopping = false;                                          // GUARDED_BY(mu)

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu);
    return stopping;
  }
};

std::string FormatEndpoint(const tcp::endpoint& ep) {
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// "Tue, 15 Nov 1994 08:12:31 GMT" (RFC 9110's IMF-fixdate).
std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

bool SafeHeaderText(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// Turns Beast's message into a Request; a target that does not parse is
// answered 400.
Result<Request> ToRequest(http::request<http::string_body>&& msg, const std::string& remote,
                          std::shared_ptr<const std::atomic<bool>> client_gone) {
  Result<Request> req = MakeRequest(std::string(msg.method_string()), msg.target());
  if (!req.ok()) return req;
  req->remote_address = remote;
  req->client_gone = std::move(client_gone);
  for (const auto& field : msg) {
    req->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  req->body = std::move(msg.body());
  return req;
}

// Runs the router on a request; the one place where a handler's exception is
// caught (and turned into a 500). Compresses the answer when allowed.
Response RouteRequest(const Shared& shared, Request req) {
  std::string target = req.target;
  bool gzip = AcceptsGzip(req.Header("Accept-Encoding"));
  try {
    Response res = shared.router->Route(std::move(req));
    if (gzip) GzipResponse(res);
    return res;
  } catch (const std::exception& e) {
    shared.log->Error("HTTP handler failed", {{"path", target}, {"err", e.what()}});
  } catch (...) {
    shared.log->Error("HTTP handler failed", {{"path", target}, {"err", "unknown exception"}});
  }
  return Response::Text(500, "500 Internal Server Error\n");
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = FormatEndpoint(remote);
  }

  ~Session() {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->sessions.erase(id_);
    shared_->cv.notify_all();
  }

  // Registers the session and starts reading. Refuses (closes the socket)
  // when the server is stopping or full.
  void Start() {
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->stopping ||
          static_cast<int>(shared_->sessions.size()) >= shared_->options.max_connections) {
        error_code ec;
        stream_.socket().close(ec);
        return;
      }
      id_ = ++shared_->next_id;
      shared_->sessions.emplace(id_, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  // Closes the connection unless a request is being handled; called on
  // Stop(). Runs on the session's strand.
  void StopIfIdle() {
    if (!busy_) Close();
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void ReadHeader() {
    if (shared_->Stopping()) return Close();
    parser_.emplace();
    parser_->body_limit(shared_->options.max_body_bytes);
    parser_->header_limit(shared_->options.max_header_bytes);
    stream_.expires_after(shared_->options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    auto& msg = parser_->get();
    if (auto len = parser_->content_length(); len && *len > shared_->options.max_body_bytes) {
      return OnReadError(http::error::body_limit);
    }
    if (beast::iequals(msg[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, msg.version());
      http::async_write(stream_, *continue_,
                        beast::bind_front_handler(&Session::OnContinue, shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinue(error_code ec, size_t) {
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnReadError(error_code ec) {
    if (ec == http::error::body_limit) {
      return WriteError(413, "413 Request Entity Too Large\n");
    }
    if (ec == http::error::header_limit) {
      return WriteError(431, "431 Request Header Fields Too Large\n");
    }
    if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return WriteError(400, "400 Bad Request\n");
    }
    // end_of_stream, timeout, reset, operation_aborted: nothing to answer.
    if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted) {
      shared_->log->Debug("HTTP connection closed", {{"remote", remote_}, {"err", ec.message()}});
    }
    Close();
  }

  void WriteError(int status, std::string body) {
    Write(Response::Text(status, std::move(body)), /*keep_alive=*/false, /*head=*/false, 11);
  }

  void OnRead(error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    busy_ = true;
    http::request<http::string_body> msg = parser_->release();
    bool keep_alive = msg.keep_alive();
    bool head = msg.method() == http::verb::head;
    unsigned version = msg.version();  // the parser accepts only 1.0 and 1.1
    client_gone_ = std::make_shared<std::atomic<bool>>(false);
    WatchForHangup();
    auto queued = std::chrono::steady_clock::now();
    asio::post(*shared_->handlers, [self = shared_from_this(), msg = std::move(msg), keep_alive,
                                    head, version, queued]() mutable {
      Result<Request> req = ToRequest(std::move(msg), self->remote_, self->client_gone_);
      if (!req.ok()) {
        return self->Respond(
            Response::Text(400, "400 Bad Request: " + req.status().message() + "\n"), keep_alive,
            head, version);
      }
      const Shared& shared = *self->shared_;
      if (shared.router->LaneFor(req->method, req->path) == Lane::kQuery) {
        // Slow handlers wait for a query thread without holding this one.
        asio::post(*shared.queries,
                   [self, req = std::move(*req), keep_alive, head, version, queued]() mutable {
                     req.queue_seconds = SecondsSince(queued);
                     self->Respond(RouteRequest(*self->shared_, std::move(req)), keep_alive, head,
                                   version);
                   });
        return;
      }
      req->queue_seconds = SecondsSince(queued);
      self->Respond(RouteRequest(shared, std::move(*req)), keep_alive, head, version);
    });
  }

  static double SecondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  }

  // While a handler runs, waits for the socket to turn readable: EOF or an
  // error means the client hung up, and client_gone_ tells the handler. The
  // bytes of a pipelined next request end the watch (they stay unread).
  void WatchForHangup() {
    watching_ = true;
    stream_.socket().async_wait(
        tcp::socket::wait_read,
        beast::bind_front_handler(&Session::OnReadable, shared_from_this(), client_gone_));
  }

  void OnReadable(std::shared_ptr<std::atomic<bool>> gone, error_code ec) {
    if (ec == asio::error::operation_aborted || !watching_ || gone != client_gone_) return;
    watching_ = false;
    if (!ec) {
      char byte;
      ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n > 0) return;  // a pipelined request: the client is still there
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return WatchForHangup();
      }
    }
    gone->store(true, std::memory_order_relaxed);
  }

  // Hands a response from a handler thread back to the session's strand.
  void Respond(Response res, bool keep_alive, bool head, unsigned version) {
    asio::post(executor(), [self = shared_from_this(), res = std::move(res), keep_alive, head,
                            version]() mutable {
      self->Write(std::move(res), keep_alive, head, version);
    });
  }

  void Write(Response res, bool keep_alive, bool head, unsigned version) {
    busy_ = true;
    if (watching_) {
      // Only the hang-up watch is pending on the socket now.
      watching_ = false;
      error_code ec;
      stream_.socket().cancel(ec);
    }
    keep_alive = keep_alive && !shared_->Stopping();
    response_.emplace(static_cast<http::status>(res.status), version);
    auto& out = *response_;
    out.set(http::field::date, HttpDate());
    if (!res.content_type.empty() && SafeHeaderText(res.content_type)) {
      out.set(http::field::content_type, res.content_type);
    }
    for (auto& [name, value] : res.headers) {
      // A CR or LF would let a value split the response; drop such headers.
      if (SafeHeaderText(name) && SafeHeaderText(value)) out.insert(name, value);
    }
    out.keep_alive(keep_alive);
    bool bodiless = res.status / 100 == 1 || res.status == 204 || res.status == 304;
    if (!bodiless) out.content_length(res.body.size());
    // HEAD: announce the GET body's length, send none.
    if (!head && !bodiless) out.body() = std::move(res.body);
    stream_.expires_after(shared_->options.write_timeout);
    http::async_write(
        stream_, out,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !keep_alive));
  }

  void OnWrite(bool close, error_code ec, size_t) {
    busy_ = false;
    response_.reset();
    if (ec || close) return Close();
    ReadHeader();
  }

  void Close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  uint64_t id_ = 0;
  std::string remote_;
  bool busy_ = false;  // a request is in a handler or being answered
  bool watching_ = false;  // WatchForHangup()'s wait is pending
  std::shared_ptr<std::atomic<bool>> client_gone_;  // of the request in the handler
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
};

// Accepts connections and hands each to a new Session.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::shared_ptr<Shared> shared)
      : io_(io),
        acceptor_(asio::make_strand(io)),
        backoff_(acceptor_.get_executor()),
        shared_(std::move(shared)) {}

  tcp::acceptor& acceptor() { return acceptor_; }

  void Run() {
    asio::dispatch(acceptor_.get_executor(),
                   beast::bind_front_handler(&Listener::Accept, shared_from_this()));
  }

  // Closes the acceptor on its strand.
  void Close() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ec;
      self->acceptor_.close(ec);
      self->backoff_.cancel();
    });
  }

 private:
  void Accept() {
    if (!acceptor_.is_open()) return;
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Typically out of file descriptors: back off instead of spinning.
      shared_->log->Warn("HTTP accept failed", {{"err", ec.message()}});
      backoff_.expires_after(std::chrono::milliseconds(100));
      backoff_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->Accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), shared_)->Start();
    Accept();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  std::shared_ptr<Shared> shared_;
};

// Splits "host:port" into its parts; the host may be "[v6]" or empty.
Status SplitHostPort(std::string_view address, std::string* host, uint16_t* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("address " + std::string(address) + ": missing port");
  }
  std::string_view h = address.substr(0, colon);
  std::string_view p = address.substr(colon + 1);
  if (!h.empty() && h.front() == '[') {
    if (h.back() != ']')
      return InvalidArgumentError("address " + std::string(address) + ": bad IPv6 host");
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return InvalidArgumentError("address " + std::string(address) +
                                ": too many colons (bracket IPv6 hosts)");
  }
  if (p.empty() || p.size() > 5) {
    return InvalidArgumentError("address " + std::string(address) + ": invalid port");
  }
  uint32_t value = 0;
  for (char c : p) {
    if (c < '0' || c > '9') {
      return InvalidArgumentError("address " + std::string(address) + ": invalid port");
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535)
    return InvalidArgumentError("address " + std::string(address) + ": invalid port");
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::Ok();
}

Result<tcp::endpoint> ResolveListenAddress(asio::io_context& io, std::string_view address) {
  std::string host;
  uint16_t port = 0;
  RETURN_IF_ERROR(SplitHostPort(address, &host, &port));
  if (host.empty()) return tcp::endpoint(tcp::v4(), port);
  error_code ec;
  asio::ip::address ip = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(ip, port);
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return InvalidArgumentError("listen tcp " + std::string(address) + ": lookup " + host + ": " +
                                (ec ? ec.message() : "no addresses"));
  }
  return results.begin()->endpoint();
}

}  // namespace

class HttpServer::Impl {
 public:
  explicit Impl(HttpServerOptions options)
      : shared_(std::make_shared<Shared>()),
        work_(asio::make_work_guard(io_)),
        handlers_(static_cast<size_t>(std::max(1, options.handler_threads))),
        queries_(static_cast<size_t>(std::max(1, options.query_threads))) {
    shared_->options = std::move(options);
    shared_->log = shared_->options.logger;
    shared_->handlers = &handlers_;
    shared_->queries = &queries_;
  }

  ~Impl() { Stop(); }

  Status Bind(const Router& router) {
    shared_->router = &router;
    const std::string& address = shared_->options.listen_address;
    ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveListenAddress(io_, address));
    listener_ = std::make_shared<Listener>(io_, shared_);
    tcp::acceptor& acceptor = listener_->acceptor();
    error_code ec;
    std::string_view step = "socket";
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
      step = "setsockopt";
      acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      step = "bind";
      acceptor.bind(endpoint, ec);
    }
    if (!ec) {
      step = "listen";
      acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return UnavailableError("listen tcp " + address + ": " + std::string(step) + ": " +
                              ec.message());
    }
    address_ = FormatEndpoint(acceptor.local_endpoint(ec));
    return Status::Ok();
  }

  void Run() {
    listener_->Run();
    int n = std::max(1, shared_->options.io_threads);
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  const std::string& address() const { return address_; }

  void Stop() {
    std::lock_guard<std::mutex> stop_lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;

    std::vector<std::weak_ptr<Session>> sessions;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->stopping = true;
      for (auto& [id, s] : shared_->sessions) sessions.push_back(s);
    }
    if (listener_) listener_->Close();
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) {
        asio::post(s->executor(), [s] { s->StopIfIdle(); });
      }
    }
    {
      std::unique_lock<std::mutex> lock(shared_->mu);
      shared_->cv.wait_for(lock, shared_->options.shutdown_grace,
                           [this] { return shared_->sessions.empty(); });
    }
    // Whatever is still open is dropped with the io_context's handlers.
    work_.reset();
    io_.stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    handlers_.join();
    queries_.join();
  }

 private:
  // Declaration order matters: the handler pool may hold sessions (and so
  // sockets of io_), so it is destroyed before io_.
  std::shared_ptr<Shared> shared_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::thread_pool handlers_;
  asio::thread_pool queries_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  std::string address_;
  std::mutex stop_mu_;
  bool stopped_ = false;  // GUARDED_BY(stop_mu_)
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      const Router& router) {
  if (options.logger == nullptr) return InvalidArgumentError("HttpServerOptions.logger is null");
  auto impl = std::make_unique<Impl>(std::move(options));
  RETURN_IF_ERROR(impl->Bind(router));
  impl->Run();
  return std::make_unique<HttpServer>(std::move(impl));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::address() const { return impl_->address(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace pharos::server
