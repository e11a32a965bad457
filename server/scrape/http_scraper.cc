#include "server/scrape/http_scraper.h"

#include <zlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>

namespace pharos::server::scrape {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Go's syscall errors are lower case: "connection refused".
std::string GoErrno(const boost::system::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

}  // namespace

class HttpScraper::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Options options)
      : resolver_(io), stream_(io), opts_(std::move(options)) {
    ParseUrl();
  }

  void Fetch(Callback done) {
    done_ = std::move(done);
    if (!url_error_.empty()) {
      asio::post(stream_.get_executor(), [self = shared_from_this()] {
        self->Fail(self->url_error_);
      });
      return;
    }
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.timeout_ms);
    req_ = {};
    req_.method(http::verb::get);
    req_.target(target_);
    req_.version(11);
    req_.set(http::field::host, host_port_);
    req_.set(http::field::accept, kAcceptHeader);
    req_.set(http::field::accept_encoding, "gzip");
    req_.set(http::field::user_agent, opts_.user_agent);
    req_.set("X-Prometheus-Scrape-Timeout-Seconds", TimeoutSeconds());
    if (!opts_.authorization.empty()) req_.set(http::field::authorization, opts_.authorization);
    if (stream_.socket().is_open()) {
      reused_ = true;
      Write();
    } else {
      Connect();
    }
  }

  void Cancel() {
    resolver_.cancel();
    beast::error_code ignored;
    stream_.socket().close(ignored);
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

  void ParseUrl() {
    std::string_view u = opts_.url;
    if (u.starts_with("https://")) {
      url_error_ = "Get \"" + opts_.url + "\": https scraping is not supported";
      return;
    }
    if (!u.starts_with("http://")) {
      url_error_ = "Get \"" + opts_.url + "\": unsupported protocol scheme";
      return;
    }
    u.remove_prefix(7);
    size_t slash = u.find_first_of("/?");
    host_port_ = std::string(u.substr(0, slash));
    target_ = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
    if (target_[0] == '?') target_ = "/" + target_;
    size_t colon = host_port_.rfind(':');
    size_t bracket = host_port_.rfind(']');
    if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
      host_ = host_port_;
      port_ = "80";
    } else {
      host_ = host_port_.substr(0, colon);
      port_ = host_port_.substr(colon + 1);
    }
    if (host_.size() >= 2 && host_.front() == '[' && host_.back() == ']') {
      host_ = host_.substr(1, host_.size() - 2);
    }
  }

  std::string Prefix() const { return "Get \"" + opts_.url + "\": "; }

  void Connect() {
    reused_ = false;
    resolver_.async_resolve(
        host_, port_, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
          if (ec) {
            if (ec == asio::error::operation_aborted) return self->Fail(self->Prefix() + "context canceled");
            return self->Fail(self->Prefix() + "dial tcp: lookup " + self->host_ + ": " + GoErrno(ec));
          }
          self->stream_.expires_at(self->deadline_);
          self->stream_.async_connect(r, [self](beast::error_code ec2, const tcp::endpoint&) {
            if (ec2) return self->NetFail(ec2, "dial tcp " + self->host_port_ + ": connect: ");
            self->Write();
          });
        });
  }

  void Write() {
    stream_.expires_at(deadline_);
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        if (self->reused_ && ec != beast::error::timeout) {
          self->CloseSocket();
          return self->Connect();
        }
        return self->NetFail(ec, "write: ");
      }
      self->Read();
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
    stream_.expires_at(deadline_);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec == http::error::body_limit) {
        self->CloseSocket();
        return self->Fail("body size limit exceeded");
      }
      if (ec) {
        bool nothing_read = n == 0 && !self->parser_->got_some();
        if (self->reused_ && nothing_read && ec != beast::error::timeout &&
            ec != asio::error::operation_aborted) {
          self->CloseSocket();
          return self->Connect();
        }
        return self->NetFail(ec, "read: ");
      }
      self->Finish();
    });
  }

  void Finish() {
    http::response<http::string_body> res = parser_->release();
    parser_.reset();
    if (!res.keep_alive()) CloseSocket();
    if (res.result_int() != 200) {
      return Fail("server returned HTTP status " + std::to_string(res.result_int()) + " " +
                  std::string(res.reason()));
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
    CloseSocket();
    if (ec == beast::error::timeout) return Fail(Prefix() + "context deadline exceeded");
    if (ec == asio::error::operation_aborted) return Fail(Prefix() + "context canceled");
    if (ec == http::error::end_of_stream || ec == asio::error::eof) return Fail(Prefix() + "EOF");
    Fail(Prefix() + what + GoErrno(ec));
  }

  void Fail(const std::string& message) {
    Callback cb = std::move(done_);
    done_ = nullptr;
    if (cb) cb(UnavailableError(message), Response{});
  }

  void CloseSocket() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  Options opts_;
  std::string url_error_;
  std::string host_port_, host_, port_, target_;
  std::chrono::steady_clock::time_point deadline_;
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
      *err = "body size limit exceeded";
      return false;
    }
  }
  inflateEnd(&zs);
  return true;
}

}  // namespace pharos::server::scrape
