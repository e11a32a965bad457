#include "tests/e2e/fixture_target.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "server/gzip.h"

namespace pharos::e2e {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// A generated line of the huge body: 128 bytes of comment.
constexpr size_t kLine = 128;

}  // namespace

FixtureTarget::FixtureTarget() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    std::perror("fixture target: bind");
    std::abort();
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FixtureTarget::~FixtureTarget() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    threads = std::move(connections_);
  }
  for (std::thread& t : threads) t.join();
}

std::string FixtureTarget::address() const { return "127.0.0.1:" + std::to_string(port_); }

void FixtureTarget::Set(const std::string& path, FixtureResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  responses_[path] = std::move(response);
}

void FixtureTarget::Remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  responses_.erase(path);
}

FixtureTarget::Seen FixtureTarget::Requests(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = seen_.find(path);
  return it == seen_.end() ? Seen{} : it->second;
}

void FixtureTarget::AcceptLoop() {
  while (!stopping_) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    fds_.push_back(fd);
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

bool FixtureTarget::WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    if (stopping_) return false;
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void FixtureTarget::Serve(int fd) {
  std::string buf;
  bool keep_alive = true;
  while (keep_alive && !stopping_) {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      char tmp[4096];
      ssize_t n = recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) {
        keep_alive = false;
        break;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
    if (!keep_alive) break;
    std::string head = buf.substr(0, end);
    buf.erase(0, end + 4);
    size_t sp1 = head.find(' ');
    size_t sp2 = head.find(' ', sp1 + 1);
    std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string path = target.substr(0, target.find('?'));
    std::string query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
    std::map<std::string, std::string> headers;
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos) {
      size_t next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t v = line.find_first_not_of(' ', colon + 1);
        headers[Lower(line.substr(0, colon))] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = next;
    }
    FixtureResponse r;
    bool found;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Seen& s = seen_[path];
      ++s.count;
      s.last_headers = headers;
      s.last_query = query;
      auto it = responses_.find(path);
      found = it != responses_.end();
      if (found) r = it->second;
    }
    if (!found) r = FixtureResponse{.status = 404, .body = "404 page not found\n"};
    Answer(fd, r, &keep_alive);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
  }
  close(fd);
}

void FixtureTarget::Answer(int fd, const FixtureResponse& r, bool* keep_alive) {
  // Waits `ms`, returning false early when stopping or the peer closed.
  auto wait = [&](int ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) {
        char c;
        if (recv(fd, &c, 1, MSG_PEEK) <= 0) return false;
      }
    }
    return !stopping_;
  };
  if (r.never_answer) {
    while (wait(1000)) {
    }
    *keep_alive = false;
    return;
  }
  if (r.delay_ms > 0 && !wait(r.delay_ms)) {
    *keep_alive = false;
    return;
  }
  std::string body = r.gzip ? server::GzipCompress(r.body) : r.body;
  uint64_t length = r.generated_bytes > 0 ? r.generated_bytes : body.size();
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  head += "Content-Type: " + r.content_type + "\r\n";
  if (r.gzip) head += "Content-Encoding: gzip\r\n";
  head += "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  if (!WriteAll(fd, head.data(), head.size())) {
    *keep_alive = false;
    return;
  }
  if (r.trickle_ms > 0) {
    for (char c : body) {
      if (!WriteAll(fd, &c, 1) || !wait(r.trickle_ms)) {
        *keep_alive = false;
        return;
      }
    }
    return;
  }
  if (r.generated_bytes == 0) {
    if (!WriteAll(fd, body.data(), body.size())) *keep_alive = false;
    return;
  }
  // One sample, then comment lines up to the length.
  std::string first = "fixture_huge_body 1\n";
  first.resize(std::min<uint64_t>(first.size(), length));
  std::string chunk;
  std::string line(kLine - 1, 'x');
  line[0] = '#';
  line[1] = ' ';
  line += '\n';
  while (chunk.size() < 64 * 1024) chunk += line;
  uint64_t left = length;
  if (!WriteAll(fd, first.data(), first.size())) {
    *keep_alive = false;
    return;
  }
  left -= first.size();
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
    if (n < chunk.size()) {
      // The tail: still whole lines of the same shape.
      std::string tail = chunk.substr(0, n);
      if (n > 0) tail.back() = '\n';
      if (!WriteAll(fd, tail.data(), tail.size())) break;
    } else if (!WriteAll(fd, chunk.data(), n)) {
      break;
    }
    left -= n;
  }
  if (left > 0) *keep_alive = false;
}

}  // namespace pharos::e2e
