#include "kalam/auth/login_throttle.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kalam::auth {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kT0 = 1'780'000'000 * kSecond;

// "ip<n>"; built by appending (GCC 12 warns spuriously about `"..." + std::to_string`).
std::string Name(int n) {
  std::string s = "ip";
  s += std::to_string(n);
  return s;
}

void Apply(const LockoutDecision& d, UserRecord* user) {
  user->failed_login_attempts = d.failed_login_attempts;
  user->locked_until_us = d.locked_until_us;
}

TEST(LockoutTest, LocksAfterMaxFailures) {
  UserRecord user;
  for (int i = 1; i <= 4; ++i) {
    LockoutDecision d = OnFailure(user, kT0 + i, 5, 15);
    EXPECT_EQ(d.failed_login_attempts, static_cast<uint32_t>(i));
    EXPECT_FALSE(d.locked());
    Apply(d, &user);
    EXPECT_FALSE(IsLocked(user, kT0 + i));
  }
  LockoutDecision d = OnFailure(user, kT0 + 5, 5, 15);
  EXPECT_EQ(d.failed_login_attempts, 5u);
  EXPECT_TRUE(d.locked());
  EXPECT_EQ(d.locked_until_us, kT0 + 5 + 15 * kMinute);
  Apply(d, &user);
  EXPECT_TRUE(IsLocked(user, kT0 + 5));
  EXPECT_EQ(MinutesLeft(user, kT0 + 5), 15);
  EXPECT_EQ(MinutesLeft(user, kT0 + 5 + kMinute), 14);
  EXPECT_EQ(MinutesLeft(user, kT0 + 5 + kMinute + 1), 14);  // rounded up
  EXPECT_EQ(MinutesLeft(user, kT0 + 5 + 15 * kMinute - 1), 1);
  EXPECT_TRUE(IsLocked(user, kT0 + 5 + 15 * kMinute - 1));
  EXPECT_FALSE(IsLocked(user, kT0 + 5 + 15 * kMinute));
  EXPECT_EQ(MinutesLeft(user, kT0 + 5 + 15 * kMinute), 0);
}

TEST(LockoutTest, ExpiredLockStartsAfresh) {
  UserRecord user;
  user.failed_login_attempts = 5;
  user.locked_until_us = kT0;
  LockoutDecision d = OnFailure(user, kT0 + kSecond, 5, 15);
  EXPECT_EQ(d.failed_login_attempts, 1u);
  EXPECT_FALSE(d.locked());
}

TEST(LockoutTest, FailureWhileLockedKeepsLock) {
  UserRecord user;
  user.failed_login_attempts = 5;
  user.locked_until_us = kT0 + 10 * kMinute;
  LockoutDecision d = OnFailure(user, kT0, 5, 15);
  EXPECT_EQ(d.failed_login_attempts, 6u);
  EXPECT_EQ(d.locked_until_us, kT0 + 15 * kMinute);  // extended, never shortened
}

TEST(LockoutTest, Disabled) {
  UserRecord user;
  for (int i = 0; i < 20; ++i) Apply(OnFailure(user, kT0, 0, 15), &user);
  EXPECT_EQ(user.failed_login_attempts, 20u);
  EXPECT_FALSE(IsLocked(user, kT0));
  user = UserRecord();
  for (int i = 0; i < 20; ++i) Apply(OnFailure(user, kT0, 5, 0), &user);
  EXPECT_FALSE(IsLocked(user, kT0));
}

TEST(LockoutTest, Message) {
  EXPECT_EQ(AccountLockedMessage(15), "Account locked. Try again in 15 minute(s)");
  EXPECT_EQ(AccountLockedMessage(1), "Account locked. Try again in 1 minute(s)");
}

TEST(RateLimiterTest, FixedOneSecondWindows) {
  RateLimiter limiter(3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + i * 1000));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + 500'000));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + kSecond - 1));
  EXPECT_TRUE(limiter.Allow("10.0.0.2", kT0 + 600'000));  // other keys are independent
  // The next whole second is a new window.
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + kSecond));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + kSecond + 1));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + kSecond + 2));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + kSecond + 3));
}

TEST(RateLimiterTest, WindowsAlignOnWholeSeconds) {
  RateLimiter limiter(1);
  EXPECT_TRUE(limiter.Allow("ip", kT0 + kSecond - 1));
  EXPECT_TRUE(limiter.Allow("ip", kT0 + kSecond));  // 1 µs later, but a new second
  EXPECT_FALSE(limiter.Allow("ip", kT0 + 2 * kSecond - 1));
}

TEST(RateLimiterTest, ZeroDisables) {
  RateLimiter limiter(0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow("ip", kT0));
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(RateLimiterTest, OldWindowsArePurged) {
  RateLimiter limiter(5);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow(Name(i), kT0));
  EXPECT_EQ(limiter.tracked_keys(), 1000u);
  EXPECT_TRUE(limiter.Allow("other", kT0 + kSecond));
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(RateLimiterTest, BoundedKeys) {
  RateLimiter limiter(1, /*max_keys=*/10);
  for (int i = 0; i < 100; ++i) limiter.Allow(Name(i), kT0);
  EXPECT_EQ(limiter.tracked_keys(), 10u);
  EXPECT_FALSE(limiter.Allow("ip0", kT0));  // tracked keys keep their limit
}

TEST(RateLimiterTest, SlightlyStaleClockCountsTowardNewestWindow) {
  RateLimiter limiter(2);
  EXPECT_TRUE(limiter.Allow("ip", kT0 + kSecond));
  EXPECT_TRUE(limiter.Allow("ip", kT0 + kSecond - 1));  // reading from just before
  EXPECT_FALSE(limiter.Allow("ip", kT0 + kSecond + 1));
}

TEST(RateLimiterTest, ConcurrentCountIsExact) {
  RateLimiter limiter(100);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.Allow("ip", kT0)) ++allowed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace kalam::auth
