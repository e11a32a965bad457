// The notifier's HTTP client: one io_context per PostAll, an async chain per
// request (resolve, connect, TLS handshake for https, write, read), and one
// deadline timer that aborts whatever is still running.
#include "rules/notifier/http_poster.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace pharos::rules::notifier {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct HttpPoster::Run {
  asio::io_context ioc;
};

namespace {

// What PostAll needs of a request in flight, whatever its stream.
struct OpBase {
  virtual ~OpBase() = default;
  virtual void Start() = 0;
  virtual void Abort(Status s) = 0;
  bool done = false;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One request's state; kept alive by its pending handlers.
template <typename Stream>
struct Op : OpBase, std::enable_shared_from_this<Op<Stream>> {
  template <typename... StreamArgs>
  Op(asio::io_context& ioc, const HttpPost& p, Status* out, int* left, asio::steady_timer* deadline,
     StreamArgs&&... stream_args)
      : resolver(ioc),
        stream(std::forward<StreamArgs>(stream_args)...),
        post(p),
        result(out),
        remaining(left),
        timer(deadline) {}

  tcp::resolver resolver;
  Stream stream;
  const HttpPost& post;
  Status* result;
  int* remaining;             // ops still running; the last one stops the timer
  asio::steady_timer* timer;  // the PostAll deadline
  http::request<http::string_body> req;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;

  void Finish(Status s) {
    if (done) return;
    done = true;
    *result = std::move(s);
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream).close();
    if (--*remaining == 0) timer->cancel();
  }

  void Fail(const char* what, const beast::error_code& ec) {
    Finish(UnavailableError(std::string(what) + ": " + ec.message()));
  }

  void Start() override {
    req.method(http::verb::post);
    req.target(post.target);
    req.version(11);
    const bool v6 = post.host.find(':') != std::string::npos;
    req.set(http::field::host, (v6 ? "[" + post.host + "]" : post.host) + ":" + post.port);
    for (const auto& [k, v] : post.headers) req.set(k, v);
    req.body() = post.body;
    req.prepare_payload();
    resolver.async_resolve(post.host, post.port,
                           [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                             if (ec) return self->Fail("resolve", ec);
                             beast::get_lowest_layer(self->stream).async_connect(
                                 r, [self](beast::error_code ec2, const tcp::endpoint&) {
                                   if (ec2) return self->Fail("connect", ec2);
                                   self->Handshake();
                                 });
                           });
  }

  void Handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      const std::string& name = post.tls.server_name.empty() ? post.host : post.tls.server_name;
      if (!SSL_set_tlsext_host_name(stream.native_handle(), name.c_str())) {
        return Fail("tls", beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
      }
      if (!post.tls.insecure_skip_verify) stream.set_verify_callback(ssl::host_name_verification(name));
      stream.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Fail("tls handshake", ec);
        self->Write();
      });
    } else {
      Write();
    }
  }

  void Write() {
    http::async_write(stream, req, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Fail("write", ec);
      http::async_read(self->stream, self->buffer, self->res, [self](beast::error_code ec2, size_t) {
        if (ec2) return self->Fail("read", ec2);
        const unsigned code = self->res.result_int();
        if (code / 100 != 2) {
          return self->Finish(UnavailableError("bad response status " + std::to_string(code) + " " +
                                               std::string(self->res.reason())));
        }
        self->Finish(Status::Ok());
      });
    });
  }

  void Abort(Status s) override {
    resolver.cancel();
    Finish(std::move(s));
  }
};

// The TLS context for one request's settings.
Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsOptions& tls) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  beast::error_code ec;
  ctx->set_verify_mode(tls.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer, ec);
  if (!ec) {
    if (tls.ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(tls.ca_file, ec);
      if (ec) return UnavailableError("unable to load specified CA cert " + tls.ca_file + ": " + ec.message());
    }
  }
  if (!ec && !tls.cert_file.empty()) {
    ctx->use_certificate_chain_file(tls.cert_file, ec);
    if (!ec) ctx->use_private_key_file(tls.key_file, ssl::context::pem, ec);
    if (ec) return UnavailableError("unable to use client certificate " + tls.cert_file + ": " + ec.message());
  }
  if (ec) return UnavailableError("tls: " + ec.message());
  return ctx;
}

}  // namespace

HttpPoster::HttpPoster() = default;
HttpPoster::~HttpPoster() = default;

void HttpPoster::Cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) running_->ioc.stop();
}

std::vector<Status> HttpPoster::PostAll(const std::vector<HttpPost>& posts, std::chrono::milliseconds timeout) {
  std::vector<Status> results(posts.size(), CancelledError("cancelled"));
  if (cancelled_) return results;
  auto run = std::make_shared<Run>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = run;
  }
  std::vector<std::shared_ptr<ssl::context>> contexts;  // outlive the ops using them
  std::vector<std::shared_ptr<OpBase>> ops;
  std::vector<size_t> op_index;  // ops[k] serves posts[op_index[k]]
  asio::steady_timer deadline(run->ioc, timeout);
  int remaining = 0;
  try {
    for (size_t i = 0; i < posts.size(); ++i) {
      results[i] = InternalError("not sent");
      if (posts[i].https) {
        Result<std::shared_ptr<ssl::context>> ctx = MakeTlsContext(posts[i].tls);
        if (!ctx.ok()) {
          results[i] = ctx.status();
          continue;
        }
        contexts.push_back(*ctx);
        ops.push_back(std::make_shared<Op<TlsStream>>(run->ioc, posts[i], &results[i], &remaining, &deadline,
                                                      run->ioc, *contexts.back()));
      } else {
        ops.push_back(
            std::make_shared<Op<PlainStream>>(run->ioc, posts[i], &results[i], &remaining, &deadline, run->ioc));
      }
      op_index.push_back(i);
    }
    remaining = static_cast<int>(ops.size());
    for (auto& op : ops) op->Start();
    deadline.async_wait([&ops, timeout](beast::error_code ec) {
      if (ec) return;
      for (auto& op : ops) {
        op->Abort(DeadlineExceededError("context deadline exceeded after " + std::to_string(timeout.count()) + "ms"));
      }
    });
    if (!cancelled_ && !ops.empty()) run->ioc.run();
  } catch (const std::exception& e) {
    for (size_t k = 0; k < ops.size(); ++k) {
      if (!ops[k]->done) results[op_index[k]] = InternalError(e.what());
    }
  }
  if (cancelled_) {
    for (size_t k = 0; k < ops.size(); ++k) {
      if (!ops[k]->done) results[op_index[k]] = CancelledError("cancelled");
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.reset();
  }
  return results;
}

}  // namespace pharos::rules::notifier
