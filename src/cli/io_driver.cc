#include "io_driver.h"

#include "interrupt.h"

namespace kalam::cli {

DriveOutcome Drive(boost::asio::io_context& io, const bool& done, std::chrono::steady_clock::time_point deadline,
                   const std::function<void()>& abort, const WaitTick& tick) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kSlice = std::chrono::milliseconds(100);
  const auto start = Clock::now();
  DriveOutcome outcome = DriveOutcome::kDone;
  io.restart();
  while (!done) {
    io.run_for(kSlice);
    if (done) break;
    if (io.stopped()) io.restart();
    if (outcome == DriveOutcome::kDone) {
      if (InterruptRequested()) {
        outcome = DriveOutcome::kInterrupted;
        abort();
      } else if (Clock::now() >= deadline) {
        outcome = DriveOutcome::kTimedOut;
        abort();
      }
    }
    if (tick && outcome == DriveOutcome::kDone) {
      tick(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start));
    }
  }
  return outcome;
}

}  // namespace kalam::cli
