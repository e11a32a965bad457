// Eventually: polls a condition until it holds or a deadline passes, for
// tests that wait on another thread or process.
//
//   ASSERT_TRUE(Eventually([&] { return QueryValue(port, "up") == 1; }, 10s));
//
// The probe runs once more at the deadline, so a condition that turns true
// just then still counts. Thread-safety: a pure function of its probe.
#pragma once

#include <chrono>
#include <functional>

namespace pharos::e2e {

// True as soon as `probe()` is; false when it is still false after
// `timeout`. Polls every `every`.
bool Eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(100));

}  // namespace pharos::e2e
