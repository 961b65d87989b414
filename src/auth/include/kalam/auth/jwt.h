#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kalam::auth {

// HS256 JSON Web Tokens as issued and accepted by the server (docs/http-api.md, check order of
// docs/http-api.md). The HMAC key is the UTF-8 bytes of the configured secret. Only the stateless checks live
// here; whether `sub` exists, is not deleted, holds `role` and has not changed credentials since
// `iat` is the caller's business. Pure functions; thread-safe; nothing throws.

inline constexpr std::string_view kJwtIssuer = "kalamdb";
inline constexpr int64_t kDefaultJwtLeewaySeconds = 60;

enum class TokenType { kAccess, kRefresh };
// "access" or "refresh", as in the `token_type` claim.
std::string_view TokenTypeName(TokenType type);

struct JwtClaims {
  std::string sub;
  std::string iss = std::string(kJwtIssuer);
  std::string role;  // wire name: user, service, dba, system
  std::optional<std::string> email;
  int64_t iat = 0;  // seconds since the Unix epoch, as every time here
  int64_t exp = 0;
  std::optional<int64_t> nbf;
  TokenType token_type = TokenType::kAccess;
  // Private claim "kcc": when the user's credentials last changed (µs) at issue time. A token
  // is stale once they change again (AuthService::CheckUserForToken).
  std::optional<int64_t> credentials_changed_at_us;
};

// Why a token was refused. Only kExpired maps to TOKEN_EXPIRED; every other error is
// INVALID_CREDENTIALS for the client.
enum class JwtError {
  kMalformed,             // not three base64url parts, bad JSON, missing or mistyped claim
  kBadSignature,          // HMAC does not match
  kExpired,               // exp passed, beyond the leeway
  kNotYetValid,           // nbf in the future, beyond the leeway
  kIssuedInFuture,        // iat in the future, beyond the leeway
  kBadIssuer,             // iss missing or not "kalamdb"
  kWrongTokenType,        // e.g. a refresh token on an access route
  kUnsupportedAlgorithm,  // alg other than HS256 ("none" included)
};
std::string_view JwtErrorName(JwtError error);

// Either verified claims or the first check that failed.
class [[nodiscard]] JwtVerifyResult {
 public:
  JwtVerifyResult(JwtClaims claims) : value_(std::move(claims)) {}  // NOLINT: implicit by design
  JwtVerifyResult(JwtError error) : value_(error) {}                 // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<JwtClaims>(value_); }
  JwtError error() const { assert(!ok()); return std::get<JwtError>(value_); }
  const JwtClaims& claims() const& { assert(ok()); return std::get<JwtClaims>(value_); }
  JwtClaims&& claims() && { assert(ok()); return std::get<JwtClaims>(std::move(value_)); }

 private:
  std::variant<JwtClaims, JwtError> value_;
};

// Header `{"alg":"HS256","typ":"JWT"}`; claims in the order sub, iss, iat, exp, [nbf], email
// (null when absent), role, token_type. Strings are JSON-escaped but must be valid UTF-8 for the
// token to verify.
std::string SignJwt(const JwtClaims& claims, std::string_view secret);

// Checks, in this order, the first failure deciding: three base64url parts and a JSON header
// whose alg is HS256 (kMalformed / kUnsupportedAlgorithm); the signature, compared in constant
// time (kBadSignature); the claims JSON (kMalformed: sub, role and token_type strings, iat and exp
// integers required; email string or null, nbf integer optional; duplicate keys refused); exp
// with leeway (expired once now >= exp + leeway); nbf, then iat, later than now + leeway; iss;
// token_type against `expected`. Tokens above 16 KiB are kMalformed.
JwtVerifyResult VerifyJwt(std::string_view token, std::string_view secret, int64_t now_seconds,
                          TokenType expected, int64_t leeway_seconds = kDefaultJwtLeewaySeconds);

// A fresh secret for auth.jwt_secret when none is configured: 64 lower-case hex characters
// (32 random bytes). Aborts the process if the system random source fails.
std::string GenerateJwtSecret();

}  // namespace kalam::auth
