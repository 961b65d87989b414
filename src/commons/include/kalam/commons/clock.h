#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace kalam {

// Where time comes from, for code whose behaviour depends on time passing: job backoff, the
// schedulers, the WebSocket heartbeat and auth timeout, token `iat`/`exp`, rate windows.
// Such code takes a `const Clock&` (ProcessClock() unless told otherwise), so a unit test
// hands it a ManualClock (manual_clock.h) and moves time on instead of sleeping through it.
// Implementations are thread-safe.
class Clock {
 public:
  using SteadyPoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;

  // Wall-clock time in microseconds since the Unix epoch (timestamps that are stored or sent).
  virtual int64_t NowMicros() const = 0;
  // Monotonic time, for deadlines and intervals within the process.
  virtual SteadyPoint SteadyNow() const = 0;
  // Waits on `cv` (the caller holds `lock`, the mutex `cv` is signalled under) until it is
  // notified or this clock reaches `deadline`. May return early (spuriously), like
  // std::condition_variable::wait_until: callers re-check their condition and the time.
  virtual void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         SteadyPoint deadline) const = 0;
  // How long a waiter that sleeps on real time (an asio timer) may sleep before it looks at
  // this clock again: unbounded for the real clock, a millisecond for a clock that jumps.
  virtual std::chrono::milliseconds RealWaitLimit() const = 0;
};

// The real clock: system_clock and steady_clock.
const Clock& SystemClock();

// The clock of this process: SystemClock(), unless the test build of the server installed
// another at start-up (InstallProcessClock). The production server never installs one.
const Clock& ProcessClock();
// Makes `clock` (which must outlive every user) the process clock; nullptr restores the
// system clock. Call before any thread that reads the clock starts.
void InstallProcessClock(const Clock* clock);

// ProcessClock().NowMicros(): wall-clock time in microseconds since the Unix epoch.
int64_t NowMicros();

}  // namespace kalam
