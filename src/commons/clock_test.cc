#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "kalam/commons/clock.h"
#include "kalam/commons/manual_clock.h"

namespace kalam {
namespace {

using namespace std::chrono_literals;

TEST(ManualClockTest, StandsStillUntilAdvanced) {
  ManualClock clock;
  const int64_t wall = clock.NowMicros();
  const Clock::SteadyPoint steady = clock.SteadyNow();
  // However long this takes in real time, the clock has not moved.
  EXPECT_EQ(clock.NowMicros(), wall);
  EXPECT_EQ(clock.SteadyNow(), steady);
  clock.Advance(1500ms);
  EXPECT_EQ(clock.NowMicros(), wall + 1'500'000);
  EXPECT_EQ(clock.SteadyNow(), steady + 1500ms);
  clock.Advance(-5s);  // never backwards
  EXPECT_EQ(clock.NowMicros(), wall + 1'500'000);
  EXPECT_EQ(clock.advanced(), 1500ms);
}

TEST(ManualClockTest, StartsAtTheRealTime) {
  const int64_t before = SystemClock().NowMicros();
  ManualClock clock;
  EXPECT_GE(clock.NowMicros(), before);
  EXPECT_LE(clock.NowMicros(), SystemClock().NowMicros());
}

TEST(ManualClockTest, RunningClockFollowsRealTimePlusAdvances) {
  ManualClock clock(ManualClock::Flow::kRunning);
  clock.Advance(1h);
  const int64_t real = SystemClock().NowMicros();
  EXPECT_GE(clock.NowMicros(), real + 3'600'000'000);
  EXPECT_GE(clock.SteadyNow(), SystemClock().SteadyNow() + 59min);
  // Running: the clock moves with real time too.
  const int64_t first = clock.NowMicros();
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (clock.NowMicros() == first) ASSERT_LT(std::chrono::steady_clock::now(), until);
}

TEST(ManualClockTest, WaitersSeeAnAdvancePastTheirDeadline) {
  ManualClock clock;
  std::mutex mu;
  std::condition_variable cv;
  bool woke = false;
  const Clock::SteadyPoint deadline = clock.SteadyNow() + 1h;
  std::thread waiter([&] {
    std::unique_lock lock(mu);
    while (clock.SteadyNow() < deadline) clock.WaitUntil(lock, cv, deadline);
    woke = true;
  });
  clock.Advance(1h);
  waiter.join();  // returns only because the clock passed the deadline: no one notifies cv
  EXPECT_TRUE(woke);
}

TEST(ProcessClockTest, IsTheSystemClockUnlessOneIsInstalled) {
  EXPECT_EQ(&ProcessClock(), &SystemClock());
  ManualClock clock;
  clock.Advance(24h);
  InstallProcessClock(&clock);
  EXPECT_EQ(&ProcessClock(), &clock);
  EXPECT_EQ(NowMicros(), clock.NowMicros());
  InstallProcessClock(nullptr);
  EXPECT_EQ(&ProcessClock(), &SystemClock());
  EXPECT_LT(NowMicros(), clock.NowMicros());
}

}  // namespace
}  // namespace kalam
