#include "server/remote/read_gate.h"

#include <chrono>

namespace pharos::server {

ReadGate::Slot ReadGate::Enter(const std::atomic<bool>* give_up) {
  std::unique_lock<std::mutex> lock(mu_);
  // The flag is not tied to the condition variable: look at it now and then.
  while (limit_ > 0 && active_ >= limit_) {
    if (give_up != nullptr && give_up->load(std::memory_order_relaxed)) return Slot();
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  ++active_;
  return Slot(this);
}

int ReadGate::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

void ReadGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
  }
  cv_.notify_one();
}

}  // namespace pharos::server
