#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace kalam::testing {

// Polls `done` (observable state: a job's status, a system table, a log file) until it holds
// or `deadline` passes; returns whether it held. Callers assert the result, so a wait that
// times out fails the test instead of falling through.
inline bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace kalam::testing
