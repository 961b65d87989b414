#pragma once

#include <atomic>
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
  // When the user's credentials last changed (µs): tokens issued for this identity carry it,
  // so any later change refuses them, even within the same second.
  int64_t credentials_changed_at_us = 0;
};

// Why authentication failed (docs/http-api.md); the api layer maps these to statuses.
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

// Where a password arrives: Basic headers and WebSocket password messages may be served from
// the Basic cache; the login route never is.
enum class PasswordRoute { kBasic, kLogin };

// Whether a password attempt was already counted against the per-IP rate by AdmitHeader or
// AdmitPassword (so the Authenticate*/Login call that completes it must not count it again).
enum class RateCharge { kCharge, kAlreadyCharged };

// Authentication for every entry point (HTTP Basic and Bearer, login, WebSocket): bcrypt
// verification with the Basic cache, lockout after repeated failures, the per-IP rate of
// password verifications, JWT issue and verification with the stored-user checks of docs/http-api.md.
// `users` must outlive the service. Thread-safe.
//
// Password attempts, in this order (docs/http-api.md):
//   1. Counted against the per-IP rate (`max_auth_requests_per_ip_per_sec`) unless the Basic
//      cache vouches for the pair; beyond the rate the answer is kRateLimited at once, with no
//      storage read and no bcrypt. Every attempt that would need bcrypt counts, whatever the
//      user: unknown, deleted, locked or not.
//   2. Exactly one bcrypt verification (against a dummy hash when the user cannot log in), so
//      every refusal costs the same.
//   3. Anyone who does not know the password gets kInvalidCredentials "Invalid credentials":
//      wrong password, unknown, deleted or OAuth user, and a LOCKED account alike, so neither
//      the answer nor its cost tells whether a name exists or is locked. Only the right
//      password on a locked account answers kAccountLocked (with the minutes left); it does
//      not unlock or reset the counter. Failures while locked neither count nor extend the
//      lock.
// The first step is cheap (base64, an HMAC, a map): a server that verifies passwords on a
// pool calls AdmitHeader/AdmitPassword on the thread that received the request, and the
// completing call with RateCharge::kAlreadyCharged on the pool, so that a burst is counted as
// it arrives rather than as fast as bcrypt drains it.
class AuthService {
 public:
  AuthService(UserRepository& users, AuthSettings settings);

  // Step 1 alone for an `Authorization` header: a Basic credential the cache does not vouch
  // for is counted now; kRateLimited when over the rate, nullopt otherwise (also for Bearer,
  // missing or malformed headers, which need no bcrypt and are not counted).
  // `*needs_password_check`, when given, tells whether completing it may cost a bcrypt (a Basic
  // credential the cache does not vouch for).
  std::optional<AuthError> AdmitHeader(std::string_view authorization, std::string_view peer_ip, int64_t now_us,
                                       bool* needs_password_check = nullptr);
  // Step 1 alone for a user/password pair arriving on `route`.
  std::optional<AuthError> AdmitPassword(std::string_view user, std::string_view password, PasswordRoute route,
                                         std::string_view peer_ip, int64_t now_us);

  // An `Authorization` header value: "Basic ..." or "Bearer ...".
  AuthOutcome AuthenticateHeader(std::string_view authorization, std::string_view peer_ip, int64_t now_us,
                                 RateCharge charge = RateCharge::kCharge);
  // User and password (Basic auth, WebSocket basic). Successful checks are cached.
  AuthOutcome AuthenticatePassword(std::string_view user, std::string_view password, std::string_view peer_ip,
                                   int64_t now_us, RateCharge charge = RateCharge::kCharge);
  // The login route: never served from the cache; records last_login_at; root without a
  // password answers kSetupRequired.
  AuthOutcome Login(std::string_view user, std::string_view password, std::string_view peer_ip, int64_t now_us,
                    RateCharge charge = RateCharge::kCharge);
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
  // bcrypt verifications run so far (real and dummy), for tests and metrics.
  uint64_t password_verifications() const { return verifications_.load(std::memory_order_relaxed); }
  UserRepository& users() { return users_; }
  // Serialises every read-modify-write of a user record: login counters here, user DDL in
  // the engine. Hash passwords before taking it (bcrypt is slow).
  std::mutex& user_record_mutex() { return user_update_mu_; }

 private:
  // Basic header → (user, password); nullopt when it is not a well-formed Basic credential.
  struct BasicCredential {
    std::string decoded;  // "user:password"
    size_t colon = 0;
    std::string_view user() const { return std::string_view(decoded).substr(0, colon); }
    std::string_view password() const { return std::string_view(decoded).substr(colon + 1); }
  };
  static std::optional<BasicCredential> DecodeBasic(std::string_view authorization);
  // Step 1 for one attempt; `cached` says whether the Basic cache vouched for it.
  std::optional<AuthError> Charge(std::string_view user, std::string_view password, PasswordRoute route,
                                  std::string_view peer_ip, int64_t now_us, bool* cached);
  AuthOutcome VerifyStoredPassword(std::string_view user, std::string_view password, std::string_view peer_ip,
                                   int64_t now_us, PasswordRoute route, RateCharge charge);
  // Every bcrypt verification goes through here, so that it is counted.
  bool Verify(std::string_view password, std::string_view hash);
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
  std::atomic<uint64_t> verifications_{0};  // a statistic: relaxed increments are enough
};

}  // namespace kalam::auth
