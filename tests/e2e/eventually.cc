#include "tests/e2e/eventually.h"

#include <thread>

namespace pharos::e2e {

bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(every);
  }
  return probe();
}

}  // namespace pharos::e2e
