// TlsContext: the TLS client side of one scrape config's tls_config, built
// once per scrape pool and shared by its targets' connections, as
// Prometheus builds one http.Client per pool.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<TlsContext> tls, TlsContext::Create(cfg.tls_config));
//   ... per new connection, on its OpenSSL SSL object:
//   std::string verify_error;
//   RETURN_IF_ERROR(tls->Prepare(ssl, "127.0.0.1", &verify_error));
//   ... handshake; when it fails:
//   std::string why = TlsErrorText(ssl_error_code, verify_error);
//
// Verification is Go's crypto/tls client's: the peer's chain against
// ca_file (or the system roots when there is none), then its name against
// server_name (or the target's host): DNS names against the certificate's
// DNS SANs, an IP address against its IP SANs. SNI carries server_name or
// the host unless that is an IP address. insecure_skip_verify skips both
// checks. cert_file/key_file present a client certificate. min_version
// ("TLS10".."TLS13") bounds the protocol; the default is TLS 1.2, as Go's.
// Errors read as Go's: "x509: certificate signed by unknown authority",
// "x509: certificate is valid for localhost, not example.com", "remote
// error: tls: bad certificate".
//
// Files are read by Create(); a CA or certificate changed on disk is seen
// when the pool is created again (a config reload that changes it).
//
// Thread-safety: Create() and TlsErrorText() are thread-safe; a TlsContext
// may prepare connections on any thread.
#pragma once

#include <memory>
#include <string>

#include "server/config/config.h"
#include "tsdb/status.h"

struct ssl_st;  // OpenSSL's SSL

namespace boost::asio::ssl {
class context;
}

namespace pharos::server::scrape {

class TlsContext {
 public:
  // Loads the CA, certificate and key files of `config`. Fails
  // (kInvalidArgument) with Prometheus' words when one cannot be used:
  // "unable to load specified CA cert <file>: ...".
  static Result<std::shared_ptr<TlsContext>> Create(const TlsConfig& config);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Sets up a new client connection to `host` (a name or an IP address,
  // without brackets): SNI and the verification described above. When
  // verification fails during the handshake, Go's message for it is
  // written to *verify_error. REQUIRES: `verify_error` outlives the
  // connection's handshake.
  Status Prepare(ssl_st* ssl, const std::string& host, std::string* verify_error) const;

  // Create() builds; public for std::make_shared only.
  struct Key {
   private:
    Key() = default;
    friend class TlsContext;
  };
  TlsContext(Key, const TlsConfig& config, std::unique_ptr<boost::asio::ssl::context> ctx);

  // The OpenSSL context for Asio streams.
  boost::asio::ssl::context& native() { return *ctx_; }
  const TlsConfig& config() const { return config_; }

 private:
  TlsConfig config_;
  std::unique_ptr<boost::asio::ssl::context> ctx_;
};

// Go's words for a TLS failure, from the OpenSSL error code of an Asio
// ssl::error category error_code (its value()) and the verify error the
// connection's Prepare() captured (used first when not empty):
//   remote error: tls: bad certificate          (an alert from the peer)
//   http: server gave HTTP response to HTTPS client
//   tls: <OpenSSL's reason>                     (anything else)
std::string TlsErrorText(unsigned long ssl_error, const std::string& verify_error);

// Whether `host` is an IPv4 or IPv6 address literal.
bool IsIpAddress(const std::string& host);

}  // namespace pharos::server::scrape
