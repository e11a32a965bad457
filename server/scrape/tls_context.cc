// OpenSSL set up to verify peers the way Go's crypto/tls client does, and
// OpenSSL's failures reworded as Go words them.
#include "server/scrape/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

namespace pharos::server::scrape {

namespace ssl = boost::asio::ssl;

namespace {

// Where a connection's SSL object keeps the std::string* for its verify
// error.
int ErrorSlot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

std::string OpenSslReason(unsigned long code) {
  const char* r = ERR_reason_error_string(code);
  return r != nullptr ? r : "error " + std::to_string(code);
}

// The last queued OpenSSL error's reason, clearing the queue.
std::string LastOpenSslError() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  return code == 0 ? "unknown error" : OpenSslReason(code);
}

std::string Rfc3339(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowRfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct Names {
  bool has_san = false;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string common_name;
};

Names CertNames(X509* cert) {
  Names n;
  n.has_san = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
    if (g->type == GEN_DNS) {
      const ASN1_STRING* s = g->d.dNSName;
      n.dns.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    } else if (g->type == GEN_IPADD) {
      const ASN1_STRING* s = g->d.iPAddress;
      char buf[INET6_ADDRSTRLEN] = {};
      int len = ASN1_STRING_length(s);
      if ((len == 4 || len == 16) &&
          inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof buf) != nullptr) {
        n.ips.emplace_back(buf);
      }
    }
  }
  GENERAL_NAMES_free(sans);
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) > 0) {
    n.common_name = cn;
  }
  return n;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

bool SameHostName(std::string a, std::string b) {
  for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a == b;
}

// crypto/x509's HostnameError.Error().
std::string HostnameError(X509* cert, const std::string& host) {
  if (cert == nullptr) return "x509: certificate is not valid for " + host;
  Names n = CertNames(cert);
  if (!n.has_san && SameHostName(n.common_name, host)) {
    return "x509: certificate relies on legacy Common Name field, use SANs instead";
  }
  std::string valid;
  if (IsIpAddress(host)) {
    if (n.ips.empty()) {
      return "x509: cannot validate certificate for " + host + " because it doesn't contain any IP SANs";
    }
    valid = Join(n.ips);
  } else {
    valid = Join(n.dns);
  }
  if (valid.empty()) return "x509: certificate is not valid for any names, but wanted to match " + host;
  return "x509: certificate is valid for " + valid + ", not " + host;
}

std::string VerifyHost(X509_STORE_CTX* store) {
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store);
  if (const char* h = X509_VERIFY_PARAM_get0_host(param, 0); h != nullptr) return h;
  char* ip = X509_VERIFY_PARAM_get1_ip_asc(param);
  std::string out = ip != nullptr ? ip : "";
  OPENSSL_free(ip);
  return out;
}

// Go's message for the first verification failure.
std::string GoVerifyError(X509_STORE_CTX* store) {
  const int err = X509_STORE_CTX_get_error(store);
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "x509: certificate signed by unknown authority";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "x509: certificate has expired or is not yet valid: current time " + NowRfc3339() +
             " is after " + Rfc3339(cert ? X509_get0_notAfter(cert) : nullptr);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "x509: certificate has expired or is not yet valid: current time " + NowRfc3339() +
             " is before " + Rfc3339(cert ? X509_get0_notBefore(cert) : nullptr);
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return HostnameError(X509_STORE_CTX_get0_cert(store), VerifyHost(store));
    default:
      return std::string("x509: ") + X509_verify_cert_error_string(err);
  }
}

int VerifyCallback(int preverified, X509_STORE_CTX* store) {
  if (preverified) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* out = ssl != nullptr ? static_cast<std::string*>(SSL_get_ex_data(ssl, ErrorSlot())) : nullptr;
  if (out != nullptr && out->empty()) *out = GoVerifyError(store);
  return 0;
}

// Go's os error for a file that cannot be opened: "open <f>: no such file
// or directory"; "" when it opens.
std::string OpenError(const std::string& file) {
  std::ifstream in(file);
  if (in) return "";
  std::string m = std::strerror(errno);
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return "open " + file + ": " + m;
}

int MinVersion(const std::string& v) {
  if (v == "TLS10") return TLS1_VERSION;
  if (v == "TLS11") return TLS1_1_VERSION;
  if (v == "TLS13") return TLS1_3_VERSION;
  return TLS1_2_VERSION;
}

// crypto/tls' alert.go names.
const char* AlertName(int alert) {
  switch (alert) {
    case 0: return "close notify";
    case 10: return "unexpected message";
    case 20: return "bad record MAC";
    case 21: return "decryption failed";
    case 22: return "record overflow";
    case 30: return "decompression failure";
    case 40: return "handshake failure";
    case 42: return "bad certificate";
    case 43: return "unsupported certificate";
    case 44: return "revoked certificate";
    case 45: return "expired certificate";
    case 46: return "unknown certificate";
    case 47: return "illegal parameter";
    case 48: return "unknown certificate authority";
    case 49: return "access denied";
    case 50: return "error decoding message";
    case 51: return "error decrypting message";
    case 70: return "protocol version not supported";
    case 71: return "insufficient security level";
    case 80: return "internal error";
    case 86: return "inappropriate fallback";
    case 90: return "user canceled";
    case 100: return "no renegotiation";
    case 109: return "missing extension";
    case 110: return "unsupported extension";
    case 112: return "unrecognized name";
    case 115: return "unknown PSK identity";
    case 116: return "certificate required";
    case 120: return "no application protocol";
    default: return nullptr;
  }
}

}  // namespace

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

TlsContext::TlsContext(Key, const TlsConfig& config, std::unique_ptr<ssl::context> ctx)
    : config_(config), ctx_(std::move(ctx)) {}

TlsContext::~TlsContext() = default;

Result<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsConfig& config) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, MinVersion(config.min_version));
  if (config.ca_file.empty()) {
    SSL_CTX_set_default_verify_paths(native);
  } else {
    if (std::string e = OpenError(config.ca_file); !e.empty()) {
      return InvalidArgumentError("unable to load specified CA cert " + config.ca_file + ": " + e);
    }
    if (SSL_CTX_load_verify_locations(native, config.ca_file.c_str(), nullptr) != 1) {
      ERR_clear_error();
      return InvalidArgumentError("unable to use specified CA cert " + config.ca_file);
    }
  }
  if (!config.cert_file.empty() || !config.key_file.empty()) {
    const std::string what =
        "unable to use specified client cert (" + config.cert_file + ") & key (" + config.key_file + "): ";
    for (const std::string* f : {&config.cert_file, &config.key_file}) {
      if (std::string e = OpenError(*f); !e.empty()) return InvalidArgumentError(what + e);
    }
    if (SSL_CTX_use_certificate_chain_file(native, config.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(native, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(native) != 1) {
      return InvalidArgumentError(what + "tls: " + LastOpenSslError());
    }
  }
  SSL_CTX_set_verify(native, config.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     config.insecure_skip_verify ? nullptr : VerifyCallback);
  return std::make_shared<TlsContext>(Key(), config, std::move(ctx));
}

Status TlsContext::Prepare(ssl_st* ssl, const std::string& host, std::string* verify_error) const {
  const std::string& name = config_.server_name.empty() ? host : config_.server_name;
  const bool ip = IsIpAddress(name);
  if (!ip && !name.empty() && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return InvalidArgumentError("tls: " + LastOpenSslError());
  }
  SSL_set_ex_data(ssl, ErrorSlot(), verify_error);
  if (config_.insecure_skip_verify) return Status::Ok();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
                                             X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
              : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  if (ok != 1) return InvalidArgumentError("tls: " + LastOpenSslError());
  return Status::Ok();
}

std::string TlsErrorText(unsigned long ssl_error, const std::string& verify_error) {
  if (!verify_error.empty()) return verify_error;
  const int reason = ERR_GET_REASON(ssl_error);
  if (ERR_GET_LIB(ssl_error) == ERR_LIB_SSL) {
    if (reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
      if (const char* name = AlertName(reason - SSL_AD_REASON_OFFSET)) {
        return std::string("remote error: tls: ") + name;
      }
      return "remote error: tls: alert(" + std::to_string(reason - SSL_AD_REASON_OFFSET) + ")";
    }
    if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG) {
      return "http: server gave HTTP response to HTTPS client";
    }
  }
  return "tls: " + OpenSslReason(ssl_error);
}

}  // namespace pharos::server::scrape
