#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kalam/commons/status.h"

namespace kalam::auth {

// The password policy of docs/http-api.md and the generator of root's first password (docs/http-api.md).
// Pure functions over their arguments; thread-safe.

inline constexpr size_t kMinPolicyPasswordBytes = 8;

// Applies the policy: 8..72 bytes, no NUL byte, not in the built-in list of common passwords
// (compared case-insensitively); with `enforce_complexity` also at least one ASCII upper-case
// letter, one lower-case letter, one digit and one character that is not an ASCII letter or
// digit. The first failing rule answers InvalidArgument with a message fit for the client.
// Callers decide when the policy applies (always for /auth/setup; for CREATE/ALTER USER only with
// auth.enforce_password_complexity).
Status CheckPasswordPolicy(std::string_view password, bool enforce_complexity);

// A password of `length` characters drawn uniformly from [A-Za-z0-9] with OpenSSL's RAND_bytes
// (rejection sampling, no modulo bias). Root's generated password uses 24. Aborts the process if
// the system random source fails: a predictable password is never returned.
std::string GenerateRandomPassword(size_t length);

}  // namespace kalam::auth
