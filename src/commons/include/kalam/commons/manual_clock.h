#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "kalam/commons/clock.h"

namespace kalam {

// A clock that a test moves on: time passes only through Advance(), so a test of a backoff, a
// timeout or a token expiry takes milliseconds and never depends on how busy the machine is.
//
// Stopped (the default) it stands still between advances; running (kRunning) it goes on with
// real time plus every advance, which is what a whole server needs (its other timers keep
// working) while a test jumps it forward (the server's test build, src/server/clock_control.h).
//
// Waits (WaitUntil, and timers bounded by RealWaitLimit) wake every millisecond of real time to
// look at the clock, so an Advance() past a waiter's deadline is seen at once without the clock
// knowing its waiters. Thread-safe.
class ManualClock : public Clock {
 public:
  enum class Flow { kStopped, kRunning };

  // Starts at the real time of construction.
  explicit ManualClock(Flow flow = Flow::kStopped);

  int64_t NowMicros() const override;
  SteadyPoint SteadyNow() const override;
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, SteadyPoint deadline) const override;
  std::chrono::milliseconds RealWaitLimit() const override { return std::chrono::milliseconds(1); }

  // Moves both the wall and the steady time on by `by` (negative values are ignored: steady
  // time never goes back).
  void Advance(std::chrono::microseconds by);
  // Everything Advance() has added so far.
  std::chrono::microseconds advanced() const;

 private:
  const Flow flow_;
  const int64_t start_wall_us_;
  const SteadyPoint start_steady_;
  std::atomic<int64_t> advanced_us_{0};
};

}  // namespace kalam
