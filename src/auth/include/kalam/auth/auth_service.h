#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "kalam/auth/basic_auth_cache.h"
#include "kalam/auth/jwt.h"
#include "kalam/auth/login_throttle.h"
#include "kalam/auth/user_repository.h"
#include "kalam/commons/result.h"
#include "kalam/commons/role.h"

namespace kalam::auth {

struct AuthSettings {
  std::string jwt_secret;  // HMAC key for tokens and for the Basic cache
  int64_t jwt_expiry_hours = 24;
  int bcrypt_cost = 12;
  int64_t basic_cache_ttl_secs = 60;
  int max_failed_logins = 5;
  int lockout_minutes = 15;
  uint32_t max_auth_requests_per_ip_per_sec = 20;
  bool enforce_password_complexity = false;
};

// Who a request acts as once authenticated.
struct Identity {
  UserId user;
  Role role = Role::kUser;
  std::optional<std::string> email;
};

// Why authentication failed (PROTOCOL.md §2.3); the api layer maps these to statuses.
enum class AuthFailure {
  kMissing,             // no credentials at all
  kInvalidCredentials,  // every other refusal: generic on purpose
  kTokenExpired,
  kAccountLocked,
  kRateLimited,
  kSetupRequired,       // root has no password yet (login only)
};

struct AuthError {
  AuthFailure failure = AuthFailure::kInvalidCredentials;
  std::string message;
};

using AuthOutcome = std::variant<Identity, AuthError>;

// A freshly issued access + refresh token pair.
struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  int64_t access_expires_at_s = 0;
  int64_t refresh_expires_at_s = 0;
};

// Authentication for every entry point (HTTP Basic and Bearer, login, WebSocket): bcrypt
// verification with the Basic cache, lockout after repeated failures, the per-IP rate of
// password verifications, JWT issue and verification with the stored-user checks of §2.5.
// Messages are generic ("Invalid credentials") so a caller cannot tell why. `users` must
// outlive the service. Thread-safe.
class AuthService {
 public:
  AuthService(UserRepository& users, AuthSettings settings);

  // An `Authorization` header value: "Basic ..." or "Bearer ...".
  AuthOutcome AuthenticateHeader(std::string_view authorization, std::string_view peer_ip, int64_t now_us);
  // User and password (Basic auth, WebSocket basic). Successful checks are cached.
  AuthOutcome AuthenticatePassword(std::string_view user, std::string_view password, std::string_view peer_ip,
                                   int64_t now_us);
  // The login route: never served from the cache; records last_login_at; root without a
  // password answers kSetupRequired.
  AuthOutcome Login(std::string_view user, std::string_view password, std::string_view peer_ip, int64_t now_us);
  // A JWT of the expected type, checked against the stored user.
  AuthOutcome AuthenticateToken(std::string_view token, TokenType expected, int64_t now_us);

  Result<TokenPair> IssueTokens(const Identity& identity, int64_t now_us) const;

  // Drops cached verifications of `user` (password/role change, DROP USER).
  void ForgetUser(const UserId& user);
  // Sets root's password (hashing it) unless it already verifies; not a credential change
  // when unchanged.
  Status ApplyRootPassword(std::string_view password);
  // Whether root has a password (false = the server needs setup).
  Result<bool> RootHasPassword() const;
  Result<std::string> HashPassword(std::string_view password) const;

  // First-run setup (POST /v1/api/auth/setup): gives root its first password and creates
  // `admin` as a dba (auth_type password) with `admin_password`; no login happens. Fails with
  // InvalidOperation when root already has a password and AlreadyExists when `admin` exists (a
  // soft-deleted user counts as absent and is replaced, as with CREATE USER). The password
  // policy and the id rules are the caller's to check. Root is written first, so a failure in
  // between leaves a configured server whose root can still create the admin. Serialised with
  // the other read-modify-writes of users.
  Result<UserRecord> CompleteSetup(const UserId& admin, std::string_view admin_password,
                                   std::optional<std::string> email, std::string_view root_password, int64_t now_us);
  // The stored record of `user`, or nullopt when there is none (soft-deleted ones included).
  Result<std::optional<UserRecord>> FindUser(const UserId& user) const;

  const AuthSettings& settings() const { return settings_; }
  UserRepository& users() { return users_; }
  // Serialises every read-modify-write of a user record: login counters here, user DDL in
  // the engine. Hash passwords before taking it (bcrypt is slow).
  std::mutex& user_record_mutex() { return user_update_mu_; }

 private:
  AuthOutcome VerifyStoredPassword(std::string_view user, std::string_view password, std::string_view peer_ip,
                                   int64_t now_us, bool use_cache, bool record_login);
  AuthOutcome CheckUserForToken(const JwtClaims& claims) const;

  UserRepository& users_;
  AuthSettings settings_;
  BasicAuthCache cache_;
  RateLimiter ip_rate_;
  // Verified against for unknown users, so their timing matches a real check; made on
  // first use (bcrypt at the configured cost is slow).
  const std::string& DummyHash();
  std::once_flag dummy_once_;
  std::string dummy_hash_;
  std::mutex user_update_mu_;  // serialises read-modify-write of user records
};

}  // namespace kalam::auth
