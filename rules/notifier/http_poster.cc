// The notifier's HTTP client: one io_context per PostAll, an async chain per
// request (resolve, connect, write, read), and one deadline timer that
// cancels whatever is still running.
#include "rules/notifier/http_poster.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pharos::rules::notifier {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct HttpPoster::Run {
  asio::io_context ioc;
};

namespace {

// One request's state; kept alive by its pending handlers.
struct Op : std::enable_shared_from_this<Op> {
  Op(asio::io_context& ioc, const HttpPost& p, Status* out, int* left, asio::steady_timer* deadline)
      : resolver(ioc), stream(ioc), post(p), result(out), remaining(left), timer(deadline) {}

  tcp::resolver resolver;
  beast::tcp_stream stream;
  const HttpPost& post;
  Status* result;
  int* remaining;             // ops still running; the last one stops the timer
  asio::steady_timer* timer;  // the PostAll deadline
  http::request<http::string_body> req;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  bool done = false;

  void Finish(Status s) {
    if (done) return;
    done = true;
    *result = std::move(s);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    if (--*remaining == 0) timer->cancel();
  }

  void Fail(const char* what, const beast::error_code& ec) {
    Finish(UnavailableError(std::string(what) + ": " + ec.message()));
  }

  void Start() {
    req.method(http::verb::post);
    req.target(post.target);
    req.version(11);
    const bool v6 = post.host.find(':') != std::string::npos;
    req.set(http::field::host, (v6 ? "[" + post.host + "]" : post.host) + ":" + post.port);
    for (const auto& [k, v] : post.headers) req.set(k, v);
    req.body() = post.body;
    req.prepare_payload();
    resolver.async_resolve(post.host, post.port,
                           [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                             if (ec) return self->Fail("resolve", ec);
                             self->stream.async_connect(r, [self](beast::error_code ec2, const tcp::endpoint&) {
                               if (ec2) return self->Fail("connect", ec2);
                               self->Write();
                             });
                           });
  }

  void Write() {
    http::async_write(stream, req, [self = shared_from_this()](beast::error_code ec, size_t) {
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

  void Abort(Status s) {
    resolver.cancel();
    Finish(std::move(s));
  }
};

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
  std::vector<std::shared_ptr<Op>> ops;
  asio::steady_timer deadline(run->ioc, timeout);
  int remaining = static_cast<int>(posts.size());
  try {
    for (size_t i = 0; i < posts.size(); ++i) {
      results[i] = InternalError("not sent");
      ops.push_back(std::make_shared<Op>(run->ioc, posts[i], &results[i], &remaining, &deadline));
    }
    for (auto& op : ops) op->Start();
    deadline.async_wait([&ops, timeout](beast::error_code ec) {
      if (ec) return;
      for (auto& op : ops) {
        op->Abort(DeadlineExceededError("context deadline exceeded after " + std::to_string(timeout.count()) + "ms"));
      }
    });
    if (!cancelled_ && !posts.empty()) run->ioc.run();
  } catch (const std::exception& e) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (i >= ops.size() || !ops[i]->done) results[i] = InternalError(e.what());
    }
  }
  if (cancelled_) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (i >= ops.size() || !ops[i]->done) results[i] = CancelledError("cancelled");
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.reset();
  }
  return results;
}

}  // namespace pharos::rules::notifier
