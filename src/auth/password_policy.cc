#include "kalam/auth/password_policy.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <openssl/rand.h>

#include "kalam/auth/password_hasher.h"

namespace kalam::auth {
namespace {

// Lower-case; matched case-insensitively. Entries shorter than 8 bytes are refused by the length
// rule anyway but are listed so that the list reads as what it is.
constexpr std::array<std::string_view, 40> kCommonPasswords = {
    "password",   "123456",     "12345678",   "qwerty",     "abc123",    "letmein",   "passw0rd",
    "123456789",  "1234567890", "1234567",    "12345",      "111111",    "000000",    "iloveyou",
    "admin",      "welcome",    "monkey",     "dragon",     "football",  "baseball",  "sunshine",
    "princess",   "qwerty123",  "qwertyuiop", "password1",  "password123", "admin123", "trustno1",
    "1q2w3e4r",   "zaq12wsx",   "superman",   "starwars",   "changeme",  "welcome1",  "11111111",
    "00000000",   "87654321",   "p@ssw0rd",   "letmein123", "asdfghjkl",
};

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsCommon(std::string_view password) {
  for (std::string_view common : kCommonPasswords) {
    if (common.size() != password.size()) continue;
    bool same = true;
    for (size_t i = 0; i < common.size() && same; ++i) same = ToLowerAscii(password[i]) == common[i];
    if (same) return true;
  }
  return false;
}

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

Status CheckPasswordPolicy(std::string_view password, bool enforce_complexity) {
  if (password.size() < kMinPolicyPasswordBytes) {
    return Status::InvalidArgument("Password must be at least " + std::to_string(kMinPolicyPasswordBytes) +
                                   " characters long");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("Password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes long");
  }
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("Password must not contain NUL bytes");
  }
  if (IsCommon(password)) return Status::InvalidArgument("Password is too common");
  if (!enforce_complexity) return Status::Ok();

  bool upper = false, lower = false, digit = false, other = false;
  for (char c : password) {
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
    else other = true;
  }
  if (!upper) return Status::InvalidArgument("Password must contain at least one uppercase letter");
  if (!lower) return Status::InvalidArgument("Password must contain at least one lowercase letter");
  if (!digit) return Status::InvalidArgument("Password must contain at least one digit");
  if (!other) return Status::InvalidArgument("Password must contain at least one special character");
  return Status::Ok();
}

std::string GenerateRandomPassword(size_t length) {
  static_assert(kAlphabet.size() == 62);
  // Bytes >= 248 (= 4 * 62) are dropped so that every character is equally likely.
  constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    if (RAND_bytes(buf, sizeof(buf)) != 1) {
      std::fputs("kalamdb: system random source failed\n", stderr);
      std::abort();
    }
    for (unsigned char b : buf) {
      if (out.size() == length) break;
      if (b < kLimit) out.push_back(kAlphabet[b % kAlphabet.size()]);
    }
  }
  return out;
}

}  // namespace kalam::auth
