// FakeAlertmanager: a tiny HTTP server on 127.0.0.1 that records the
// requests it gets and answers each with a configurable status.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pharos::rules::notifier {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string headers;  // raw header block, lower-cased names
  std::string body;
};

class FakeAlertmanager {
 public:
  // Listens on an ephemeral port.
  FakeAlertmanager();
  ~FakeAlertmanager();

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void set_status(int status) { status_ = status; }
  // Delays each answer (to exercise timeouts).
  void set_delay(std::chrono::milliseconds d) { delay_ms_ = d.count(); }

  std::vector<RecordedRequest> Requests() const;
  // Waits until at least `n` requests arrived; false after `timeout`.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void Serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<int64_t> delay_ms_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace pharos::rules::notifier
