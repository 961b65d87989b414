#include "connection_guard.h"

#include <gtest/gtest.h>

#include <vector>

namespace kalam::api {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSecond;  // on a whole second

ProtectionOptions Options(uint32_t requests, uint32_t connections = 100, uint32_t ban_seconds = 300) {
  ProtectionOptions options;
  options.exempt_loopback = true;
  options.max_requests_per_ip_per_sec = requests;
  options.max_connections_per_ip = connections;
  options.ban_duration_seconds = ban_seconds;
  return options;
}

using Verdict = ConnectionGuard::Verdict;

TEST(ConnectionGuardTest, FixedOneSecondWindows) {
  ConnectionGuard guard(Options(3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, kT0 + i).verdict, Verdict::kAllowed);
  auto refused = guard.CheckRequest("10.0.0.1", false, kT0 + 999'999);
  EXPECT_EQ(refused.verdict, Verdict::kRateLimited);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  // Another IP has its own budget; the next second starts afresh.
  EXPECT_EQ(guard.CheckRequest("10.0.0.2", false, kT0).verdict, Verdict::kAllowed);
  EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, kT0 + kSecond).verdict, Verdict::kAllowed);
}

TEST(ConnectionGuardTest, TenViolationsWithinTheBanDurationBan) {
  ConnectionGuard guard(Options(1, 100, 60));
  int64_t now = kT0;
  int violations = 0;
  bool banned = false;
  // One violation per second: two requests a second against a limit of one.
  while (!banned && violations < 20) {
    EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, now).verdict, Verdict::kAllowed);
    auto second = guard.CheckRequest("10.0.0.1", false, now + 1);
    ASSERT_EQ(second.verdict, Verdict::kRateLimited);
    ++violations;
    banned = second.newly_banned;
    now += kSecond;
  }
  EXPECT_EQ(violations, 10);
  // The ban started with the last violation, one second (less a microsecond) ago.
  const int64_t ban_start = now - kSecond + 1;
  auto refused = guard.CheckRequest("10.0.0.1", false, now + 1);
  EXPECT_EQ(refused.verdict, Verdict::kBanned);
  EXPECT_EQ(refused.retry_after_seconds, 59);
  EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, now).retry_after_seconds, 60);  // rounded up
  EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, ban_start + 60 * kSecond - 1).verdict, Verdict::kBanned);
  EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, ban_start + 60 * kSecond).verdict, Verdict::kAllowed);
}

TEST(ConnectionGuardTest, SparseViolationsDoNotBan) {
  ConnectionGuard guard(Options(1, 100, 5));
  for (int i = 0; i < 30; ++i) {
    const int64_t now = kT0 + i * 2 * kSecond;  // 10 violations span 18 s > 5 s
    EXPECT_EQ(guard.CheckRequest("10.0.0.1", false, now).verdict, Verdict::kAllowed);
    auto second = guard.CheckRequest("10.0.0.1", false, now + 1);
    EXPECT_EQ(second.verdict, Verdict::kRateLimited);
    EXPECT_FALSE(second.newly_banned);
  }
}

TEST(ConnectionGuardTest, ZeroBanDurationNeverBans) {
  ConnectionGuard guard(Options(1, 100, 0));
  for (int i = 0; i < 50; ++i) EXPECT_NE(guard.CheckRequest("10.0.0.1", false, kT0 + i).verdict, Verdict::kBanned);
}

TEST(ConnectionGuardTest, ExemptionsAndSwitches) {
  ConnectionGuard guard(Options(1));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(guard.CheckRequest("127.0.0.1", true, kT0).verdict, Verdict::kAllowed);

  ProtectionOptions not_exempt = Options(1);
  not_exempt.exempt_loopback = false;
  ConnectionGuard strict(not_exempt);
  EXPECT_EQ(strict.CheckRequest("127.0.0.1", true, kT0).verdict, Verdict::kAllowed);
  EXPECT_EQ(strict.CheckRequest("127.0.0.1", true, kT0).verdict, Verdict::kRateLimited);

  ProtectionOptions off = Options(1, 1);
  off.enabled = false;
  ConnectionGuard disabled(off);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(disabled.CheckRequest("10.0.0.1", false, kT0).verdict, Verdict::kAllowed);
  auto a = disabled.OpenConnection("10.0.0.1", false, false);
  auto b = disabled.OpenConnection("10.0.0.1", false, false);
  EXPECT_TRUE(a.admitted && b.admitted);

  ConnectionGuard unlimited(Options(0, 0));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(unlimited.CheckRequest("10.0.0.1", false, kT0).verdict, Verdict::kAllowed);
}

TEST(ConnectionGuardTest, ConnectionsPerIp) {
  ConnectionGuard guard(Options(100, 2));
  std::vector<ConnectionGuard::ConnectionDecision> open;
  open.push_back(guard.OpenConnection("10.0.0.1", false, false));
  open.push_back(guard.OpenConnection("10.0.0.1", false, false));
  EXPECT_TRUE(open[0].admitted && open[1].admitted);
  auto third = guard.OpenConnection("10.0.0.1", false, false);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.current, 2u);
  EXPECT_EQ(third.max, 2u);
  // Other IPs, loopback and trusted proxies are not held back.
  EXPECT_TRUE(guard.OpenConnection("10.0.0.2", false, false).admitted);
  EXPECT_TRUE(guard.OpenConnection("127.0.0.1", true, false).admitted);
  EXPECT_TRUE(guard.OpenConnection("10.0.0.1", false, /*exempt=*/true).admitted);
  // Dropping a slot frees its place; moving one does not.
  ConnectionGuard::Slot moved = std::move(open[0].slot);
  open.erase(open.begin());
  EXPECT_FALSE(guard.OpenConnection("10.0.0.1", false, false).admitted);
  moved = ConnectionGuard::Slot();
  EXPECT_TRUE(guard.OpenConnection("10.0.0.1", false, false).admitted);
}

}  // namespace
}  // namespace kalam::api
