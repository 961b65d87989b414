#include "kalam/auth/password_hasher.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kalam::auth {
namespace {

// Cost 4 keeps the tests fast; production uses auth.bcrypt_cost (12).
constexpr int kTestCost = 4;

TEST(PasswordHasherTest, RoundTrip) {
  Result<std::string> hash = HashPassword("kalamdb123", kTestCost);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->size(), 60u);
  EXPECT_EQ(hash->rfind("$2b$04$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword("kalamdb123", *hash));
}

TEST(PasswordHasherTest, WrongPasswordFails) {
  Result<std::string> hash = HashPassword("Secret123!", kTestCost);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(VerifyPassword("Secret123?", *hash));
  EXPECT_FALSE(VerifyPassword("secret123!", *hash));
  EXPECT_FALSE(VerifyPassword("Secret123", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
}

TEST(PasswordHasherTest, SaltsDiffer) {
  Result<std::string> a = HashPassword("same-password", kTestCost);
  Result<std::string> b = HashPassword("same-password", kTestCost);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("same-password", *a));
  EXPECT_TRUE(VerifyPassword("same-password", *b));
}

TEST(PasswordHasherTest, CostIsEncoded) {
  Result<std::string> hash = HashPassword("pw", 5);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$2b$05$", 0), 0u);
}

TEST(PasswordHasherTest, RefusesBadInput) {
  EXPECT_EQ(HashPassword("", kTestCost).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(73, 'a'), kTestCost).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string("a\0b", 3), kTestCost).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", 32).status().code(), StatusCode::kInvalidArgument);
}

TEST(PasswordHasherTest, SeventyTwoBytesAccepted) {
  std::string pw(72, 'x');
  Result<std::string> hash = HashPassword(pw, kTestCost);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(pw, *hash));
  // A 73rd byte is never silently ignored: the longer password does not verify.
  EXPECT_FALSE(VerifyPassword(pw + "y", *hash));
}

TEST(PasswordHasherTest, MalformedHashIsFalse) {
  Result<std::string> hash = HashPassword("kalamdb123", kTestCost);
  ASSERT_TRUE(hash.ok());
  const std::string good = *hash;
  EXPECT_FALSE(VerifyPassword("kalamdb123", ""));
  EXPECT_FALSE(VerifyPassword("kalamdb123", "not a hash"));
  EXPECT_FALSE(VerifyPassword("kalamdb123", good.substr(0, 59)));
  EXPECT_FALSE(VerifyPassword("kalamdb123", good + "x"));
  EXPECT_FALSE(VerifyPassword("kalamdb123", "$1$abcdefgh$abcdefghijklmnopqrstuv"));
  EXPECT_FALSE(VerifyPassword("kalamdb123", "*0"));
  std::string bad_prefix = good;
  bad_prefix[2] = 'x';
  EXPECT_FALSE(VerifyPassword("kalamdb123", bad_prefix));
  std::string bad_cost = good;
  bad_cost[4] = '9';
  bad_cost[5] = '9';
  EXPECT_FALSE(VerifyPassword("kalamdb123", bad_cost));
  std::string bad_char = good;
  bad_char[20] = '!';
  EXPECT_FALSE(VerifyPassword("kalamdb123", bad_char));
  std::string embedded_nul = good;
  embedded_nul[30] = '\0';
  EXPECT_FALSE(VerifyPassword("kalamdb123", embedded_nul));
  std::string flipped = good;
  flipped[59] = flipped[59] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(VerifyPassword("kalamdb123", flipped));
}

TEST(PasswordHasherTest, KnownVector) {
  // From the OpenBSD bcrypt test set; $2b$ uses the same algorithm as $2a$ for short inputs.
  EXPECT_TRUE(VerifyPassword("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(VerifyPassword("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(VerifyPassword("U*V", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

TEST(PasswordHasherTest, ConcurrentUse) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 5; ++i) {
        std::string pw = "pw-" + std::to_string(t) + "-" + std::to_string(i);
        Result<std::string> hash = HashPassword(pw, kTestCost);
        if (hash.ok() && VerifyPassword(pw, *hash) && !VerifyPassword(pw + "!", *hash)) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 5);
}

}  // namespace
}  // namespace kalam::auth
