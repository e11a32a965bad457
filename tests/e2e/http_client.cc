#include "tests/e2e/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pharos::e2e {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits until `fd` is ready for `events`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, RemainingMs(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return "";
}

Result<HttpConnection> HttpConnection::Connect(const std::string& host, uint16_t port,
                                               std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgumentError("not an IPv4 address: " + host);
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return UnavailableError(Errno("socket"));
  HttpConnection conn(fd);
  conn.host_ = host + ":" + std::to_string(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) return UnavailableError(Errno("connect " + conn.host_));
    if (!WaitFor(fd, POLLOUT, deadline))
      return UnavailableError("connect " + conn.host_ + ": timeout");
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      return UnavailableError("connect " + conn.host_ + ": " + std::strerror(err));
    }
  }
  return conn;
}

HttpConnection::HttpConnection(HttpConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      host_(std::move(other.host_)),
      buffer_(std::move(other.buffer_)) {}

HttpConnection& HttpConnection::operator=(HttpConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    host_ = std::move(other.host_);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

Status HttpConnection::Send(std::string_view bytes, std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd_, POLLOUT, deadline)) return DeadlineExceededError("send: timeout");
      continue;
    }
    return UnavailableError(Errno("send"));
  }
  return Status::Ok();
}

Status HttpConnection::Fill(Clock::time_point deadline) {
  while (true) {
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return UnavailableError("connection closed by peer");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFor(fd_, POLLIN, deadline)) return DeadlineExceededError("recv: timeout");
      continue;
    }
    return UnavailableError(Errno("recv"));
  }
}

Result<std::string> HttpConnection::ReadUntil(std::string_view delim, Clock::time_point deadline) {
  while (true) {
    size_t pos = buffer_.find(delim);
    if (pos != std::string::npos) {
      std::string out = buffer_.substr(0, pos);
      buffer_.erase(0, pos + delim.size());
      return out;
    }
    RETURN_IF_ERROR(Fill(deadline));
  }
}

Result<std::string> HttpConnection::ReadExactly(size_t n, Clock::time_point deadline) {
  while (buffer_.size() < n) RETURN_IF_ERROR(Fill(deadline));
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

Result<HttpResponse> HttpConnection::ReadResponse(bool head, std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  HttpResponse res;
  while (true) {
    ASSIGN_OR_RETURN(std::string status_line, ReadUntil("\r\n", deadline));
    // "HTTP/1.1 200 OK"
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
      return InternalError("bad status line: " + status_line);
    }
    res.status = std::atoi(status_line.substr(9, 3).c_str());
    res.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    res.headers.clear();
    while (true) {
      ASSIGN_OR_RETURN(std::string line, ReadUntil("\r\n", deadline));
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string::npos) return InternalError("bad header line: " + line);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      res.headers.emplace_back(line.substr(0, colon), value);
    }
    if (res.status >= 200) break;  // skip 1xx interim responses
  }
  if (head || res.status == 204 || res.status == 304) return res;

  if (IEquals(res.Header("Transfer-Encoding"), "chunked")) {
    while (true) {
      ASSIGN_OR_RETURN(std::string size_line, ReadUntil("\r\n", deadline));
      size_t size = std::strtoul(size_line.c_str(), nullptr, 16);
      if (size == 0) {
        ASSIGN_OR_RETURN(std::string trailer, ReadUntil("\r\n", deadline));
        (void)trailer;
        break;
      }
      ASSIGN_OR_RETURN(std::string chunk, ReadExactly(size, deadline));
      res.body += chunk;
      ASSIGN_OR_RETURN(std::string crlf, ReadUntil("\r\n", deadline));
      (void)crlf;
    }
  } else if (std::string len = res.Header("Content-Length"); !len.empty()) {
    ASSIGN_OR_RETURN(res.body, ReadExactly(std::strtoull(len.c_str(), nullptr, 10), deadline));
  } else {
    // Delimited by the end of the connection.
    while (true) {
      Status s = Fill(deadline);
      if (s.code() == StatusCode::kUnavailable) break;
      RETURN_IF_ERROR(s);
    }
    res.body = std::move(buffer_);
    buffer_.clear();
  }
  return res;
}

Result<HttpResponse> HttpConnection::RoundTrip(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n";
  req += body;
  RETURN_IF_ERROR(Send(req, timeout));
  return ReadResponse(method == "HEAD", timeout);
}

bool HttpConnection::PeerClosed(std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (buffer_.empty()) {
    Status s = Fill(deadline);
    if (s.code() == StatusCode::kUnavailable) return true;
    if (!s.ok()) return false;
  }
  return false;
}

Result<HttpResponse> HttpRequest(const std::string& host, uint16_t port, const std::string& method,
                                 const std::string& target, const std::string& body,
                                 std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Connect(host, port, timeout));
  return conn.RoundTrip(method, target, body, {{"Connection", "close"}}, timeout);
}

Result<HttpResponse> HttpGet(const std::string& host, uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout) {
  return HttpRequest(host, port, "GET", target, "", timeout);
}

}  // namespace pharos::e2e
