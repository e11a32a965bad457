// HttpScraper against a real TLS server in the test process: certificates
// made by the openssl command for each run, verification outcomes and
// their Go wording, a client certificate, and an https URL on a plain
// HTTP port.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "server/scrape/http_scraper.h"
#include "server/scrape/tls_context.h"

namespace pharos::server::scrape {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr const char* kBody = "tls_metric 1\n";

// A CA, a server certificate it signed (for localhost and 127.0.0.1), a
// client certificate it signed, and an unrelated self-signed CA.
class Certs {
 public:
  Certs() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pharos-tls-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    ok_ = Run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=pharos-test-ca "
              "-keyout " + Path("ca.key") + " -out " + Path("ca.crt")) &&
          Run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca "
              "-keyout " + Path("other.key") + " -out " + Path("other.crt")) &&
          Signed("server", "subjectAltName=DNS:localhost,IP:127.0.0.1") &&
          Signed("client", "extendedKeyUsage=clientAuth");
  }
  ~Certs() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  static bool Run(const std::string& cmd) { return system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

  bool Signed(const std::string& name, const std::string& ext) {
    std::ofstream(Path(name + ".ext")) << ext << "\n";
    return Run("openssl req -new -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " +
               Path(name + ".key") + " -out " + Path(name + ".csr")) &&
           Run("openssl x509 -req -days 2 -in " + Path(name + ".csr") + " -CA " + Path("ca.crt") +
               " -CAkey " + Path("ca.key") + " -CAcreateserial -extfile " + Path(name + ".ext") +
               " -out " + Path(name + ".crt"));
  }

  std::string dir_;
  bool ok_ = false;
};

// Answers every request with kBody, over TLS (or plain HTTP), one
// connection at a time, on 127.0.0.1.
class Server {
 public:
  Server(const Certs& certs, bool tls, bool require_client_cert)
      : ctx_(ssl::context::tls_server), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    ctx_.use_certificate_chain_file(certs.Path("server.crt"));
    ctx_.use_private_key_file(certs.Path("server.key"), ssl::context::pem);
    if (require_client_cert) {
      ctx_.load_verify_file(certs.Path("ca.crt"));
      ctx_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    thread_ = std::thread([this, tls] { Serve(tls); });
  }
  ~Server() {
    stop_ = true;
    // A blocking accept() is not woken by closing the socket: connect once.
    {
      asio::io_context io;
      tcp::socket wake(io);
      boost::system::error_code ec;
      wake.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port())}, ec);
    }
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  void Serve(bool tls) {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket sock(io_);
      acceptor_.accept(sock, ec);
      if (ec) return;
      if (tls) {
        beast::ssl_stream<tcp::socket> stream(std::move(sock), ctx_);
        stream.handshake(ssl::stream_base::server, ec);
        if (!ec) Answer(stream);
      } else {
        Answer(sock);
      }
    }
  }

  template <typename Stream>
  static void Answer(Stream& stream) {
    boost::system::error_code ec;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::read(stream, buf, req, ec);
    if (ec) {
      // As HTTP servers answer bytes that are not HTTP (a TLS hello).
      const std::string bad = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
      asio::write(stream, asio::buffer(bad), ec);
      return;
    }
    http::response<http::string_body> res(http::status::ok, 11);
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = kBody;
    res.keep_alive(false);
    res.prepare_payload();
    http::write(stream, res, ec);
  }

  asio::io_context io_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Outcome {
  Status status;
  std::string body;
};

Outcome Fetch(const std::string& url, const TlsConfig& tls_config) {
  Result<std::shared_ptr<TlsContext>> tls = TlsContext::Create(tls_config);
  if (!tls.ok()) return {tls.status(), ""};
  asio::io_context io;
  HttpScraper::Options options;
  options.url = url;
  options.timeout_ms = 5000;
  options.tls = *tls;
  HttpScraper scraper(io, options);
  Outcome out;
  scraper.Fetch([&](Status s, HttpScraper::Response r) {
    out.status = std::move(s);
    out.body = std::move(r.body);
  });
  io.run();
  return out;
}

class HttpScraperTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/openssl", X_OK) != 0) GTEST_SKIP() << "openssl is not installed";
    ASSERT_TRUE(certs_.ok());
  }
  std::string Url(const Server& s, const std::string& host = "127.0.0.1") {
    return "https://" + host + ":" + std::to_string(s.port()) + "/metrics";
  }
  Certs certs_;
};

TEST_F(HttpScraperTls, VerifiesAgainstTheConfiguredCa) {
  Server server(certs_, /*tls=*/true, /*require_client_cert=*/false);
  TlsConfig c;
  c.ca_file = certs_.Path("ca.crt");
  Outcome ip = Fetch(Url(server), c);
  ASSERT_TRUE(ip.status.ok()) << ip.status.ToString();
  EXPECT_EQ(ip.body, kBody);
  Outcome name = Fetch(Url(server, "localhost"), c);
  ASSERT_TRUE(name.status.ok()) << name.status.ToString();
  EXPECT_EQ(name.body, kBody);
}

TEST_F(HttpScraperTls, UnknownAuthorityFails) {
  Server server(certs_, true, false);
  TlsConfig c;
  c.ca_file = certs_.Path("other.crt");
  Outcome o = Fetch(Url(server), c);
  EXPECT_EQ(o.status.message(),
            "Get \"" + Url(server) + "\": x509: certificate signed by unknown authority");
  // The system roots do not know the test CA either.
  o = Fetch(Url(server), TlsConfig{});
  EXPECT_EQ(o.status.message(),
            "Get \"" + Url(server) + "\": x509: certificate signed by unknown authority");
}

TEST_F(HttpScraperTls, NameMismatchFailsUnlessSkipped) {
  Server server(certs_, true, false);
  TlsConfig c;
  c.ca_file = certs_.Path("ca.crt");
  c.server_name = "example.com";
  Outcome o = Fetch(Url(server), c);
  EXPECT_EQ(o.status.message(), "Get \"" + Url(server) +
                                    "\": x509: certificate is valid for localhost, not example.com");
  c.insecure_skip_verify = true;
  o = Fetch(Url(server), c);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.body, kBody);
}

TEST_F(HttpScraperTls, ClientCertificate) {
  Server server(certs_, true, /*require_client_cert=*/true);
  TlsConfig c;
  c.ca_file = certs_.Path("ca.crt");
  Outcome without = Fetch(Url(server), c);
  EXPECT_FALSE(without.status.ok());
  c.cert_file = certs_.Path("client.crt");
  c.key_file = certs_.Path("client.key");
  Outcome with = Fetch(Url(server), c);
  ASSERT_TRUE(with.status.ok()) << with.status.ToString();
  EXPECT_EQ(with.body, kBody);
}

TEST_F(HttpScraperTls, HttpsToAPlainServer) {
  Server server(certs_, /*tls=*/false, false);
  TlsConfig c;
  c.ca_file = certs_.Path("ca.crt");
  Outcome o = Fetch(Url(server), c);
  EXPECT_EQ(o.status.message(),
            "Get \"" + Url(server) + "\": http: server gave HTTP response to HTTPS client");
}

TEST_F(HttpScraperTls, UnusableFilesFailCreation) {
  TlsConfig c;
  c.ca_file = certs_.Path("missing.crt");
  Result<std::shared_ptr<TlsContext>> t = TlsContext::Create(c);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "unable to load specified CA cert " + c.ca_file +
                                      ": open " + c.ca_file + ": no such file or directory");
  std::ofstream(certs_.Path("garbage.crt")) << "not a certificate\n";
  c.ca_file = certs_.Path("garbage.crt");
  t = TlsContext::Create(c);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "unable to use specified CA cert " + c.ca_file);
}

}  // namespace
}  // namespace pharos::server::scrape
