#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/result.h"

namespace kalam::auth {

// bcrypt password hashing (docs/http-api.md) over libxcrypt, producing `$2b$<cost>$...` strings
// of 60 characters. Salts come from OpenSSL's RAND_bytes. Both functions are thread-safe: they
// use the reentrant libxcrypt entry points with a per-call `crypt_data` and share no state.
// Neither throws.

inline constexpr int kDefaultBcryptCost = 12;
inline constexpr int kMinBcryptCost = 4;
inline constexpr int kMaxBcryptCost = 31;
// bcrypt reads at most this many bytes of a password; longer ones are refused, never truncated.
inline constexpr size_t kMaxPasswordBytes = 72;

// Hashes `password` with a fresh random salt. InvalidArgument for an empty password, one longer
// than kMaxPasswordBytes, one containing a NUL byte, or a cost outside [kMinBcryptCost,
// kMaxBcryptCost]; Internal if the random source or libxcrypt fails.
Result<std::string> HashPassword(std::string_view password, int cost = kDefaultBcryptCost);

// True when `password` matches the bcrypt `hash` (`$2a$`, `$2b$` or `$2y$`). The final comparison
// runs in constant time. A malformed or empty hash, or a password that HashPassword would refuse,
// gives false.
bool VerifyPassword(std::string_view password, std::string_view hash);

}  // namespace kalam::auth
