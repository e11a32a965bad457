#include "server/scrape/http_scraper.h"

#include <zlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>

namespace pharos::server::scrape {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Go's syscall errors are lower case: "connection refused".
std::string GoErrno(const boost::system::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

// One request's URL, split.
struct Url {
  std::string text;  // as given, for error messages
  bool https = false;
  std::string host_port, host, port, target;
  // Where a connection can be reused: scheme, host and port.
  std::string Endpoint() const { return (https ? "https://" : "http://") + host_port; }
};

// Go's url.Parse, for the URLs scrapes meet; "" or the error.
std::string ParseUrl(const std::string& text, Url* out) {
  std::string_view u = text;
  out->text = text;
  if (u.starts_with("https://")) {
    out->https = true;
    u.remove_prefix(8);
  } else if (u.starts_with("http://")) {
    out->https = false;
    u.remove_prefix(7);
  } else {
    size_t colon = u.find(':');
    std::string scheme(colon == std::string_view::npos ? "" : u.substr(0, colon));
    return "Get \"" + text + "\": unsupported protocol scheme \"" + scheme + "\"";
  }
  size_t slash = u.find_first_of("/?");
  out->host_port = std::string(u.substr(0, slash));
  out->target = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
  if (out->target[0] == '?') out->target = "/" + out->target;
  const std::string& hp = out->host_port;
  size_t colon = hp.rfind(':');
  size_t bracket = hp.rfind(']');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
    out->host = hp;
    out->port = out->https ? "443" : "80";
  } else {
    out->host = hp.substr(0, colon);
    out->port = hp.substr(colon + 1);
  }
  if (out->host.size() >= 2 && out->host.front() == '[' && out->host.back() == ']') {
    out->host = out->host.substr(1, out->host.size() - 2);
  }
  if (out->host.empty()) return "Get \"" + text + "\": http: no Host in request URL";
  return "";
}

// A Location header against the URL it answered.
std::string ResolveLocation(const Url& base, std::string_view loc) {
  if (loc.starts_with("http://") || loc.starts_with("https://")) return std::string(loc);
  const std::string scheme = base.https ? "https:" : "http:";
  if (loc.starts_with("//")) return scheme + std::string(loc);
  const std::string origin = scheme + "//" + base.host_port;
  if (loc.starts_with("/")) return origin + std::string(loc);
  std::string dir = base.target.substr(0, base.target.find('?'));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return origin + dir + std::string(loc);
}

bool IsRedirect(unsigned code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

constexpr int kMaxRedirects = 10;  // Go's http.Client

}  // namespace

class HttpScraper::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Options options) : io_(io), resolver_(io), opts_(std::move(options)) {
    url_error_ = ParseUrl(opts_.url, &url_);
  }

  void Fetch(Callback done) {
    done_ = std::move(done);
    if (!url_error_.empty()) {
      asio::post(io_, [self = shared_from_this()] { self->Fail(self->url_error_); });
      return;
    }
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.timeout_ms);
    cur_ = url_;
    redirects_ = 0;
    Request();
  }

  void Cancel() {
    resolver_.cancel();
    CloseSocket();
  }

 private:
  std::string TimeoutSeconds() const {
    // Go's strconv.FormatFloat(seconds, 'f', -1, 64).
    char buf[64];
    double s = static_cast<double>(opts_.timeout_ms) / 1000.0;
    int n = std::snprintf(buf, sizeof buf, "%.3f", s);
    std::string out(buf, n);
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
    return out;
  }

  std::string Prefix() const { return "Get \"" + cur_.text + "\": "; }

  bool Open() const { return plain_ != nullptr || tls_ != nullptr; }

  beast::tcp_stream& Tcp() { return tls_ ? tls_->next_layer() : *plain_; }

  // The open stream, for handlers to keep alive until they complete.
  std::shared_ptr<void> Hold() const {
    if (tls_) return tls_;
    return plain_;
  }

  // Runs f(stream) on the connection's stream, whichever kind it is.
  template <typename F>
  void OnStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }

  // Sends cur_'s request, on the open connection when it goes to the same
  // endpoint.
  void Request() {
    req_ = {};
    req_.method(http::verb::get);
    req_.target(cur_.target);
    req_.version(11);
    req_.set(http::field::host, cur_.host_port);
    req_.set(http::field::accept, kAcceptHeader);
    req_.set(http::field::accept_encoding, "gzip");
    req_.set(http::field::user_agent, opts_.user_agent);
    req_.set("X-Prometheus-Scrape-Timeout-Seconds", TimeoutSeconds());
    if (!opts_.authorization.empty()) req_.set(http::field::authorization, opts_.authorization);
    if (Open() && endpoint_ == cur_.Endpoint() && Tcp().socket().is_open()) {
      reused_ = true;
      Write();
    } else {
      Connect();
    }
  }

  void Connect() {
    CloseSocket();
    reused_ = false;
    if (cur_.https) {
      if (!opts_.tls) {
        Result<std::shared_ptr<TlsContext>> tls = TlsContext::Create(TlsConfig{});
        if (!tls.ok()) return Fail(Prefix() + tls.status().message());
        opts_.tls = *tls;
      }
      tls_ = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(io_, opts_.tls->native());
      verify_error_.clear();
      if (Status s = opts_.tls->Prepare(tls_->native_handle(), cur_.host, &verify_error_); !s.ok()) {
        return Fail(Prefix() + s.message());
      }
    } else {
      plain_ = std::make_shared<beast::tcp_stream>(io_);
    }
    endpoint_ = cur_.Endpoint();
    resolver_.async_resolve(
        cur_.host, cur_.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
          if (ec) {
            if (ec == asio::error::operation_aborted) return self->Fail(self->Prefix() + "context canceled");
            return self->Fail(self->Prefix() + "dial tcp: lookup " + self->cur_.host + ": " + GoErrno(ec));
          }
          if (!self->Open()) return self->Fail(self->Prefix() + "context canceled");
          self->Tcp().expires_at(self->deadline_);
          self->Tcp().async_connect(r, [self, hold = self->Hold()](beast::error_code ec2, const tcp::endpoint&) {
            if (ec2) return self->NetFail(ec2, "dial tcp " + self->cur_.host_port + ": connect: ");
            self->Handshake();
          });
        });
  }

  void Handshake() {
    if (!tls_) return Write();
    Tcp().expires_at(deadline_);
    tls_->async_handshake(ssl::stream_base::client, [self = shared_from_this(), hold = Hold()](beast::error_code ec) {
      if (ec) return self->NetFail(ec, "");
      self->Write();
    });
  }

  void Write() {
    Tcp().expires_at(deadline_);
    OnStream([this](auto& stream) {
      http::async_write(stream, req_, [self = shared_from_this(), hold = Hold()](beast::error_code ec, size_t) {
        if (ec) {
          if (self->reused_ && ec != beast::error::timeout && ec != asio::error::operation_aborted) {
            return self->Connect();
          }
          return self->NetFail(ec, "write: ");
        }
        self->Read();
      });
    });
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(1 << 20);
    parser_->body_limit(opts_.body_size_limit > 0 ? opts_.body_size_limit
                                                  : std::numeric_limits<uint64_t>::max());
    buffer_.clear();
    // Beast reads at most the buffer's free capacity per receive call; a
    // small buffer turns a megabyte body into hundreds of syscalls.
    buffer_.reserve(64 * 1024);
    Tcp().expires_at(deadline_);
    OnStream([this](auto& stream) {
      http::async_read(stream, buffer_, *parser_,
                       [self = shared_from_this(), hold = Hold()](beast::error_code ec, size_t n) {
        if (ec == http::error::body_limit) {
          self->CloseSocket();
          return self->Fail(kBodySizeLimitExceeded);
        }
        if (ec == beast::error::timeout && self->parser_->is_header_done()) {
          // Go reports a deadline met while copying the body without the
          // request ("Get ...: ") in front, as Prometheus shows it.
          self->CloseSocket();
          return self->Fail("context deadline exceeded");
        }
        if (ec) {
          bool nothing_read = n == 0 && !self->parser_->got_some();
          if (self->reused_ && nothing_read && ec != beast::error::timeout &&
              ec != asio::error::operation_aborted) {
            return self->Connect();
          }
          return self->NetFail(ec, "read: ");
        }
        self->Finish();
      });
    });
  }

  void Finish() {
    http::response<http::string_body> res = parser_->release();
    parser_.reset();
    if (!res.keep_alive()) CloseSocket();
    const unsigned code = res.result_int();
    if (opts_.follow_redirects && IsRedirect(code) && res.count(http::field::location) > 0) {
      Url next;
      std::string err = ParseUrl(ResolveLocation(cur_, res[http::field::location]), &next);
      if (!err.empty()) return Fail(err);
      cur_ = std::move(next);
      if (++redirects_ >= kMaxRedirects) return Fail(Prefix() + "stopped after 10 redirects");
      return Request();
    }
    if (code != 200) {
      return Fail("server returned HTTP status " + std::to_string(code) + " " + std::string(res.reason()));
    }
    Response out;
    out.content_type = std::string(res[http::field::content_type]);
    std::string_view encoding = res[http::field::content_encoding];
    if (encoding == "gzip") {
      std::string err;
      if (!GunzipBounded(res.body(), opts_.body_size_limit, &out.body, &err)) return Fail(err);
    } else {
      out.body = std::move(res.body());
    }
    Callback cb = std::move(done_);
    done_ = nullptr;
    if (cb) cb(Status(), std::move(out));
  }

  void NetFail(const beast::error_code& ec, const std::string& what) {
    const std::string verify_error = verify_error_;
    CloseSocket();
    if (ec == beast::error::timeout) return Fail(Prefix() + "context deadline exceeded");
    if (ec == asio::error::operation_aborted) return Fail(Prefix() + "context canceled");
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == ssl::error::stream_truncated) {
      return Fail(Prefix() + "EOF");
    }
    if (ec.category() == asio::error::get_ssl_category()) {
      return Fail(Prefix() + TlsErrorText(static_cast<unsigned long>(ec.value()), verify_error));
    }
    Fail(Prefix() + what + GoErrno(ec));
  }

  void Fail(const std::string& message) {
    Callback cb = std::move(done_);
    done_ = nullptr;
    if (cb) cb(UnavailableError(message), Response{});
  }

  // Drops the connection; a stream goes when no pending handler holds it.
  void CloseSocket() {
    if (!Open()) return;
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().socket().close(ignored);
    tls_.reset();
    plain_.reset();
    endpoint_.clear();
  }

  asio::io_context& io_;
  tcp::resolver resolver_;
  Options opts_;
  Url url_;  // the target's
  std::string url_error_;
  // The request in flight: its URL (url_ or a redirect's) and deadline.
  Url cur_;
  int redirects_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  // The open connection, at most one of the two, to endpoint_.
  std::shared_ptr<beast::tcp_stream> plain_;
  std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::string endpoint_;
  std::string verify_error_;  // the TLS connection's, from TlsContext
  http::request<http::empty_body> req_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Callback done_;
  bool reused_ = false;
};

HttpScraper::HttpScraper(asio::io_context& io, Options options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpScraper::~HttpScraper() { impl_->Cancel(); }

void HttpScraper::Fetch(Callback done) { impl_->Fetch(std::move(done)); }

void HttpScraper::Cancel() { impl_->Cancel(); }

std::string BasicAuthHeader(const std::string& user, const std::string& password) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = user + ":" + password;
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    i += 3;
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
  }
  return "Basic " + out;
}

bool GunzipBounded(const std::string& in, uint64_t limit, std::string* out, std::string* err) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    *err = "gzip: cannot initialize";
    return false;
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  out->clear();
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      *err = rc == Z_BUF_ERROR ? "unexpected EOF" : "gzip: invalid header";
      return false;
    }
    out->append(buf, sizeof buf - zs.avail_out);
    if (limit > 0 && out->size() > limit) {
      inflateEnd(&zs);
      *err = kBodySizeLimitExceeded;
      return false;
    }
  }
  inflateEnd(&zs);
  return true;
}

}  // namespace pharos::server::scrape
