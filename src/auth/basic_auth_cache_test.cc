#include "kalam/auth/basic_auth_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kalam::auth {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'780'000'000 * kSecond;

// "u<n>"; built by appending (GCC 12 warns spuriously about `"..." + std::to_string`).
std::string Name(int n) {
  std::string s = "u";
  s += std::to_string(n);
  return s;
}

TEST(BasicAuthCacheTest, HitAndMiss) {
  BasicAuthCache cache("server-secret", 60);
  EXPECT_FALSE(cache.Lookup("alice", "pw1", kT0));
  cache.Remember("alice", "pw1", kT0);
  EXPECT_TRUE(cache.Lookup("alice", "pw1", kT0 + kSecond));
  EXPECT_FALSE(cache.Lookup("alice", "pw2", kT0 + kSecond));
  EXPECT_FALSE(cache.Lookup("bob", "pw1", kT0 + kSecond));
  EXPECT_FALSE(cache.Lookup("alice", "", kT0 + kSecond));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(BasicAuthCacheTest, SeparatorPreventsAmbiguity) {
  BasicAuthCache cache("k", 60);
  cache.Remember("ab", "c", kT0);
  EXPECT_FALSE(cache.Lookup("a", "bc", kT0));
  EXPECT_TRUE(cache.Lookup("ab", "c", kT0));
}

TEST(BasicAuthCacheTest, KeyMatters) {
  BasicAuthCache a("key-a", 60);
  BasicAuthCache b("key-b", 60);
  a.Remember("alice", "pw", kT0);
  EXPECT_TRUE(a.Lookup("alice", "pw", kT0));
  EXPECT_FALSE(b.Lookup("alice", "pw", kT0));
}

TEST(BasicAuthCacheTest, TtlExpiry) {
  BasicAuthCache cache("k", 60);
  cache.Remember("alice", "pw", kT0);
  EXPECT_TRUE(cache.Lookup("alice", "pw", kT0 + 60 * kSecond - 1));
  EXPECT_FALSE(cache.Lookup("alice", "pw", kT0 + 60 * kSecond));
  EXPECT_EQ(cache.size(), 0u);  // the expired entry was dropped
  // Re-remembering starts a new TTL.
  cache.Remember("alice", "pw", kT0 + 100 * kSecond);
  EXPECT_TRUE(cache.Lookup("alice", "pw", kT0 + 150 * kSecond));
  // A hit does not extend the entry.
  EXPECT_FALSE(cache.Lookup("alice", "pw", kT0 + 160 * kSecond));
}

TEST(BasicAuthCacheTest, ZeroTtlDisables) {
  BasicAuthCache cache("k", 0);
  EXPECT_FALSE(cache.enabled());
  cache.Remember("alice", "pw", kT0);
  EXPECT_FALSE(cache.Lookup("alice", "pw", kT0));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(BasicAuthCacheTest, ForgetUserDropsAllOfThatUser) {
  BasicAuthCache cache("k", 60);
  cache.Remember("alice", "old", kT0);
  cache.Remember("alice", "new", kT0);
  cache.Remember("bob", "pw", kT0);
  EXPECT_EQ(cache.size(), 3u);
  cache.ForgetUser("alice");
  EXPECT_FALSE(cache.Lookup("alice", "old", kT0));
  EXPECT_FALSE(cache.Lookup("alice", "new", kT0));
  EXPECT_TRUE(cache.Lookup("bob", "pw", kT0));
  EXPECT_EQ(cache.size(), 1u);
  cache.ForgetUser("nobody");
  EXPECT_EQ(cache.size(), 1u);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(BasicAuthCacheTest, EpochGuardsRaceWithPasswordChange) {
  BasicAuthCache cache("k", 60);
  uint64_t epoch = cache.epoch();  // read before the (slow) bcrypt check
  cache.ForgetUser("alice");       // password changed meanwhile
  cache.Remember("alice", "old", kT0, epoch);
  EXPECT_FALSE(cache.Lookup("alice", "old", kT0));
  epoch = cache.epoch();
  cache.Remember("alice", "new", kT0, epoch);
  EXPECT_TRUE(cache.Lookup("alice", "new", kT0));
}

TEST(BasicAuthCacheTest, BoundedEvictsOldest) {
  BasicAuthCache cache("k", 60, /*max_entries=*/3);
  cache.Remember("u1", "pw", kT0);
  cache.Remember("u2", "pw", kT0 + 1);
  cache.Remember("u3", "pw", kT0 + 2);
  cache.Remember("u1", "pw", kT0 + 3);  // refreshes u1: now the newest
  cache.Remember("u4", "pw", kT0 + 4);  // evicts u2
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Lookup("u1", "pw", kT0 + 5));
  EXPECT_FALSE(cache.Lookup("u2", "pw", kT0 + 5));
  EXPECT_TRUE(cache.Lookup("u3", "pw", kT0 + 5));
  EXPECT_TRUE(cache.Lookup("u4", "pw", kT0 + 5));
  // The per-user index followed the eviction.
  cache.ForgetUser("u2");
  EXPECT_EQ(cache.size(), 3u);
  for (int i = 0; i < 100; ++i) cache.Remember(Name(i), "pw", kT0 + 10);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(BasicAuthCacheTest, ConcurrentUse) {
  BasicAuthCache cache("k", 60, 1000);
  std::atomic<int> misses{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string user = Name((t * 7 + i) % 50);
        if (!cache.Lookup(user, "pw", kT0)) {
          ++misses;
          cache.Remember(user, "pw", kT0);
        }
        if (i % 97 == 0) cache.ForgetUser(user);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.size(), 50u);
  EXPECT_GT(misses.load(), 0);
}

}  // namespace
}  // namespace kalam::auth
