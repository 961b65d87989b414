#include "kalam/commons/clock.h"

#include <atomic>

#include "kalam/commons/manual_clock.h"

namespace kalam {
namespace {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  SteadyPoint SteadyNow() const override { return std::chrono::steady_clock::now(); }
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, SteadyPoint deadline) const override {
    cv.wait_until(lock, deadline);
  }
  std::chrono::milliseconds RealWaitLimit() const override { return std::chrono::hours(24 * 365); }
};

const RealClock kRealClock{};
std::atomic<const Clock*> process_clock{&kRealClock};

}  // namespace

const Clock& SystemClock() { return kRealClock; }

const Clock& ProcessClock() { return *process_clock.load(std::memory_order_acquire); }

void InstallProcessClock(const Clock* clock) {
  process_clock.store(clock != nullptr ? clock : &kRealClock, std::memory_order_release);
}

int64_t NowMicros() { return ProcessClock().NowMicros(); }

ManualClock::ManualClock(Flow flow)
    : flow_(flow), start_wall_us_(kRealClock.NowMicros()), start_steady_(std::chrono::steady_clock::now()) {}

int64_t ManualClock::NowMicros() const {
  const int64_t base = flow_ == Flow::kRunning ? kRealClock.NowMicros() : start_wall_us_;
  return base + advanced_us_.load(std::memory_order_acquire);
}

Clock::SteadyPoint ManualClock::SteadyNow() const {
  const SteadyPoint base = flow_ == Flow::kRunning ? std::chrono::steady_clock::now() : start_steady_;
  return base + std::chrono::microseconds(advanced_us_.load(std::memory_order_acquire));
}

void ManualClock::WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            SteadyPoint deadline) const {
  if (SteadyNow() >= deadline) return;
  // A slice of real time, then the caller looks at the clock again: an Advance() is seen
  // within a millisecond, and the clock need not know who waits on it.
  cv.wait_for(lock, RealWaitLimit());
}

void ManualClock::Advance(std::chrono::microseconds by) {
  if (by.count() > 0) advanced_us_.fetch_add(by.count(), std::memory_order_acq_rel);
}

std::chrono::microseconds ManualClock::advanced() const {
  return std::chrono::microseconds(advanced_us_.load(std::memory_order_acquire));
}

}  // namespace kalam
