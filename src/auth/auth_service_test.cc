// AuthService over a real RocksDB in a temp dir: the order of a password attempt (rate first,
// then one bcrypt, then the answer) and that refusals do not tell users apart.
#include "kalam/auth/auth_service.h"

#include <memory>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "kalam/auth/password_hasher.h"
#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"

namespace kalam::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000'000'000;  // a fixed instant inside one rate window
constexpr int64_t kMinute = 60'000'000;
constexpr std::string_view kIp = "203.0.113.9";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    users_ = std::make_unique<UserRepository>(*backend_);
  }

  void StartService(uint32_t auth_rate) {
    AuthSettings settings;
    settings.jwt_secret = "unit-test-secret-0123456789abcdef0123";
    settings.bcrypt_cost = 4;
    settings.max_failed_logins = 3;
    settings.lockout_minutes = 15;
    settings.max_auth_requests_per_ip_per_sec = auth_rate;
    service_ = std::make_unique<AuthService>(*users_, settings);
  }

  void AddUser(const std::string& id, const std::string& password, int64_t locked_until_us = 0) {
    UserRecord user;
    user.id = UserId(id);
    auto hash = HashPassword(password, 4);
    ASSERT_TRUE(hash.ok());
    user.password_hash = *hash;
    user.role = Role::kUser;
    user.auth_type = AuthType::kPassword;
    user.locked_until_us = locked_until_us;
    user.failed_login_attempts = locked_until_us != 0 ? 3 : 0;
    ASSERT_TRUE(users_->Put(user).ok());
  }

  UserRecord Stored(const std::string& id) {
    auto got = users_->Get(UserId(id));
    EXPECT_TRUE(got.ok() && got->has_value());
    return got.ok() && got->has_value() ? **got : UserRecord{};
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<AuthService> service_;
};

// What a caller sees of an outcome, and how many bcrypt verifications it cost.
struct Seen {
  bool ok = false;
  AuthFailure failure = AuthFailure::kMissing;
  std::string message;
  uint64_t verifications = 0;
};

template <typename Fn>
Seen Observe(AuthService& service, Fn&& attempt) {
  const uint64_t before = service.password_verifications();
  AuthOutcome outcome = attempt();
  Seen seen;
  seen.verifications = service.password_verifications() - before;
  if (const auto* error = std::get_if<AuthError>(&outcome)) {
    seen.failure = error->failure;
    seen.message = error->message;
  } else {
    seen.ok = true;
  }
  return seen;
}

TEST_F(AuthServiceTest, WrongPasswordUnknownUserAndLockedAccountAnswerAlike) {
  AddUser("alice", "Secret123!");
  AddUser("locked", "Secret123!", kNow + 10 * kMinute);
  StartService(/*auth_rate=*/0);
  for (const std::string user : {"alice", "nobody", "locked"}) {
    SCOPED_TRACE(user);
    for (int route = 0; route < 2; ++route) {
      Seen seen = Observe(*service_, [&] {
        return route == 0 ? service_->Login(user, "wrong", kIp, kNow)
                          : service_->AuthenticatePassword(user, "wrong", kIp, kNow);
      });
      EXPECT_FALSE(seen.ok);
      EXPECT_EQ(seen.failure, AuthFailure::kInvalidCredentials);
      EXPECT_EQ(seen.message, "Invalid credentials");
      EXPECT_EQ(seen.verifications, 1u) << "every refusal costs exactly one bcrypt verification";
    }
  }
  // A failure while locked neither counts nor extends the lock.
  EXPECT_EQ(Stored("locked").failed_login_attempts, 3u);
  EXPECT_EQ(Stored("locked").locked_until_us, kNow + 10 * kMinute);
}

TEST_F(AuthServiceTest, OnlyTheRightPasswordLearnsOfTheLock) {
  AddUser("locked", "Secret123!", kNow + 10 * kMinute);
  StartService(/*auth_rate=*/0);
  for (int route = 0; route < 2; ++route) {
    Seen seen = Observe(*service_, [&] {
      return route == 0 ? service_->Login("locked", "Secret123!", kIp, kNow)
                        : service_->AuthenticatePassword("locked", "Secret123!", kIp, kNow);
    });
    EXPECT_EQ(seen.failure, AuthFailure::kAccountLocked);
    EXPECT_EQ(seen.message, "Account locked. Try again in 10 minute(s)");
    EXPECT_EQ(seen.verifications, 1u);
  }
  // The right password does not unlock early; once the lock has run out it logs in.
  EXPECT_EQ(Stored("locked").locked_until_us, kNow + 10 * kMinute);
  EXPECT_TRUE(Observe(*service_, [&] { return service_->Login("locked", "Secret123!", kIp, kNow + 11 * kMinute); }).ok);
  EXPECT_EQ(Stored("locked").failed_login_attempts, 0u);
}

TEST_F(AuthServiceTest, RepeatedFailuresLockAndThenStillAnswerInvalidCredentials) {
  AddUser("alice", "Secret123!");
  StartService(/*auth_rate=*/0);
  for (int i = 0; i < 5; ++i) {
    Seen seen = Observe(*service_, [&] { return service_->AuthenticatePassword("alice", "wrong", kIp, kNow); });
    EXPECT_EQ(seen.failure, AuthFailure::kInvalidCredentials) << "attempt " << i + 1;
    EXPECT_EQ(seen.verifications, 1u);
  }
  EXPECT_EQ(Stored("alice").failed_login_attempts, 3u);
  EXPECT_NE(Stored("alice").locked_until_us, 0);
}

// Every attempt that needs bcrypt counts against the per-IP rate, a locked account's too, and
// beyond the rate the answer costs no bcrypt at all.
TEST_F(AuthServiceTest, AttemptsOnALockedAccountCountTowardTheRate) {
  AddUser("locked", "Secret123!", kNow + 10 * kMinute);
  StartService(/*auth_rate=*/3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Observe(*service_, [&] { return service_->Login("locked", "wrong", kIp, kNow); }).failure,
              AuthFailure::kInvalidCredentials);
  }
  Seen limited = Observe(*service_, [&] { return service_->Login("locked", "wrong", kIp, kNow); });
  EXPECT_EQ(limited.failure, AuthFailure::kRateLimited);
  EXPECT_EQ(limited.message, "Too many authentication attempts");
  EXPECT_EQ(limited.verifications, 0u);
  // Another address is not affected; the next second starts afresh.
  EXPECT_EQ(Observe(*service_, [&] { return service_->Login("locked", "wrong", "198.51.100.1", kNow); }).failure,
            AuthFailure::kInvalidCredentials);
  EXPECT_EQ(Observe(*service_, [&] { return service_->Login("locked", "wrong", kIp, kNow + 1'000'000); }).failure,
            AuthFailure::kInvalidCredentials);
}

// The cheap first step counts an attempt without any bcrypt, so a burst is refused as it
// arrives; the completing call then does not count it a second time.
TEST_F(AuthServiceTest, AdmissionCountsBeforeAnyBcrypt) {
  AddUser("alice", "Secret123!");
  StartService(/*auth_rate=*/2);
  const std::string header = "Basic YWxpY2U6d3Jvbmc=";  // alice:wrong
  EXPECT_FALSE(service_->AdmitHeader(header, kIp, kNow).has_value());
  EXPECT_FALSE(service_->AdmitPassword("alice", "wrong", PasswordRoute::kLogin, kIp, kNow).has_value());
  auto refused = service_->AdmitHeader(header, kIp, kNow);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->failure, AuthFailure::kRateLimited);
  EXPECT_EQ(service_->password_verifications(), 0u);
  // Not Basic, or not decodable: nothing to count.
  EXPECT_FALSE(service_->AdmitHeader("Bearer x.y.z", kIp, kNow).has_value());
  EXPECT_FALSE(service_->AdmitHeader("Basic !!!", kIp, kNow).has_value());

  // The two admitted attempts complete without being counted again.
  Seen first = Observe(*service_, [&] {
    return service_->AuthenticateHeader(header, kIp, kNow, RateCharge::kAlreadyCharged);
  });
  EXPECT_EQ(first.failure, AuthFailure::kInvalidCredentials);
  EXPECT_EQ(first.verifications, 1u);
  EXPECT_EQ(Observe(*service_, [&] {
              return service_->Login("alice", "wrong", kIp, kNow, RateCharge::kAlreadyCharged);
            }).failure,
            AuthFailure::kInvalidCredentials);
}

TEST_F(AuthServiceTest, CachedBasicCredentialsAreNotCounted) {
  AddUser("alice", "Secret123!");
  StartService(/*auth_rate=*/1);
  EXPECT_TRUE(Observe(*service_, [&] { return service_->AuthenticatePassword("alice", "Secret123!", kIp, kNow); }).ok);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(service_->AdmitPassword("alice", "Secret123!", PasswordRoute::kBasic, kIp, kNow).has_value());
    Seen seen = Observe(*service_, [&] { return service_->AuthenticatePassword("alice", "Secret123!", kIp, kNow); });
    EXPECT_TRUE(seen.ok);
    EXPECT_EQ(seen.verifications, 0u);
  }
  // The login route never uses the cache, so it counts.
  EXPECT_EQ(Observe(*service_, [&] { return service_->Login("alice", "Secret123!", kIp, kNow); }).failure,
            AuthFailure::kRateLimited);
}

}  // namespace
}  // namespace kalam::auth
