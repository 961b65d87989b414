#include "kalam/commons/mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace kalam {
namespace {

struct Gate {
  Mutex mu;
  CondVar opened;
  bool open GUARDED_BY(mu) = false;
};

TEST(MutexTest, WaitReturnsOnceSignalledWithTheConditionTrue) {
  Gate gate;
  bool seen = false;
  std::thread waiter([&] {
    MutexLock lock(&gate.mu);
    while (!gate.open) gate.opened.Wait(&gate.mu);
    seen = gate.open;
  });
  {
    MutexLock lock(&gate.mu);
    gate.open = true;
  }
  gate.opened.SignalAll();
  waiter.join();
  EXPECT_TRUE(seen);
}

TEST(MutexTest, WaitUntilAPassedDeadlineReturnsFalseWithTheLockHeld) {
  Gate gate;
  MutexLock lock(&gate.mu);
  EXPECT_FALSE(gate.opened.WaitUntil(&gate.mu, std::chrono::steady_clock::now() - std::chrono::seconds(1)));
  gate.open = true;  // still held: the analysis and the mutex agree
  EXPECT_TRUE(gate.open);
}

TEST(MutexTest, WaitUntilReturnsTrueWhenSignalledBeforeTheDeadline) {
  Gate gate;
  CondVar waiting_cv;
  bool waiting = false;  // guarded by gate.mu
  bool in_time = false;
  std::thread waiter([&] {
    MutexLock lock(&gate.mu);
    waiting = true;
    waiting_cv.SignalAll();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    while (!gate.open) in_time = gate.opened.WaitUntil(&gate.mu, deadline);
  });
  {
    // The waiter holds the lock from setting `waiting` until it waits, so once this thread
    // has the lock and sees `waiting`, the waiter is inside WaitUntil.
    MutexLock lock(&gate.mu);
    while (!waiting) waiting_cv.Wait(&gate.mu);
    gate.open = true;
  }
  gate.opened.SignalAll();
  waiter.join();
  EXPECT_TRUE(in_time);
}

}  // namespace
}  // namespace kalam
