#include "kalam/auth/jwt.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <simdjson.h>

#include "kalam/auth/base64.h"
#include "kalam/commons/json_text.h"

namespace kalam::auth {
namespace {

constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";
constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr size_t kSha256Bytes = 32;

// HMAC-SHA256 of `data` keyed with the secret's bytes. Empty on failure (never in practice).
std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // HMAC() wants a non-null key pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac, &mac_len) == nullptr ||
      mac_len != kSha256Bytes) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string ClaimsJson(const JwtClaims& c) {
  std::string out = "{\"sub\":";
  AppendJsonString(c.sub, &out);
  out.append(",\"iss\":");
  AppendJsonString(c.iss, &out);
  out.append(",\"iat\":").append(std::to_string(c.iat));
  out.append(",\"exp\":").append(std::to_string(c.exp));
  if (c.nbf) out.append(",\"nbf\":").append(std::to_string(*c.nbf));
  if (c.credentials_changed_at_us) out.append(",\"kcc\":").append(std::to_string(*c.credentials_changed_at_us));
  out.append(",\"email\":");
  if (c.email) {
    AppendJsonString(*c.email, &out);
  } else {
    out.append("null");
  }
  out.append(",\"role\":");
  AppendJsonString(c.role, &out);
  out.append(",\"token_type\":");
  AppendJsonString(TokenTypeName(c.token_type), &out);
  out.push_back('}');
  return out;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return r;
}

// Splits "a.b.c" into exactly three parts.
bool SplitToken(std::string_view token, std::string_view parts[3]) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return false;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return false;
  if (token.find('.', second + 1) != std::string_view::npos) return false;
  parts[0] = token.substr(0, first);
  parts[1] = token.substr(first + 1, second - first - 1);
  parts[2] = token.substr(second + 1);
  return true;
}

// Header: a JSON object whose `alg` is a string; `crit` (extensions we would have to understand)
// is refused. Other members, `typ` included, are ignored.
// Returns the error, or nullopt when the header is acceptable.
std::optional<JwtError> CheckHeader(simdjson::dom::parser& parser, const std::string& header_json) {
  simdjson::dom::object header;
  if (parser.parse(header_json).get_object().get(header) != simdjson::SUCCESS) return JwtError::kMalformed;
  std::string_view alg;
  bool have_alg = false;
  for (simdjson::dom::key_value_pair field : header) {
    if (field.key == "crit") return JwtError::kMalformed;
    if (field.key == "alg") {
      if (have_alg) return JwtError::kMalformed;
      if (field.value.get_string().get(alg) != simdjson::SUCCESS) return JwtError::kMalformed;
      have_alg = true;
    }
  }
  if (!have_alg) return JwtError::kMalformed;
  if (alg != "HS256") return JwtError::kUnsupportedAlgorithm;
  return std::nullopt;
}

bool ParseClaims(simdjson::dom::parser& parser, const std::string& json, JwtClaims* claims, bool* have_iss) {
  simdjson::dom::object obj;
  if (parser.parse(json).get_object().get(obj) != simdjson::SUCCESS) return false;
  bool have_sub = false, have_role = false, have_type = false, have_iat = false, have_exp = false;
  bool have_email = false, have_nbf = false, have_kcc = false;
  *have_iss = false;
  for (simdjson::dom::key_value_pair field : obj) {
    std::string_view s;
    int64_t n;
    if (field.key == "sub") {
      if (have_sub || field.value.get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
      claims->sub = std::string(s);
      have_sub = true;
    } else if (field.key == "iss") {
      if (*have_iss || field.value.get_string().get(s) != simdjson::SUCCESS) return false;
      claims->iss = std::string(s);
      *have_iss = true;
    } else if (field.key == "role") {
      if (have_role || field.value.get_string().get(s) != simdjson::SUCCESS) return false;
      claims->role = std::string(s);
      have_role = true;
    } else if (field.key == "email") {
      if (have_email) return false;
      if (field.value.is_null()) {
        claims->email.reset();
      } else if (field.value.get_string().get(s) == simdjson::SUCCESS) {
        claims->email = std::string(s);
      } else {
        return false;
      }
      have_email = true;
    } else if (field.key == "token_type") {
      if (have_type || field.value.get_string().get(s) != simdjson::SUCCESS) return false;
      if (s == "access") {
        claims->token_type = TokenType::kAccess;
      } else if (s == "refresh") {
        claims->token_type = TokenType::kRefresh;
      } else {
        return false;
      }
      have_type = true;
    } else if (field.key == "iat") {
      if (have_iat || field.value.get_int64().get(n) != simdjson::SUCCESS) return false;
      claims->iat = n;
      have_iat = true;
    } else if (field.key == "exp") {
      if (have_exp || field.value.get_int64().get(n) != simdjson::SUCCESS) return false;
      claims->exp = n;
      have_exp = true;
    } else if (field.key == "nbf") {
      if (have_nbf || field.value.get_int64().get(n) != simdjson::SUCCESS) return false;
      claims->nbf = n;
      have_nbf = true;
    } else if (field.key == "kcc") {
      if (have_kcc || field.value.get_int64().get(n) != simdjson::SUCCESS) return false;
      claims->credentials_changed_at_us = n;
      have_kcc = true;
    }
  }
  return have_sub && have_role && have_type && have_iat && have_exp;
}

}  // namespace

std::string_view TokenTypeName(TokenType type) {
  switch (type) {
    case TokenType::kAccess: return "access";
    case TokenType::kRefresh: return "refresh";
  }
  return "access";
}

std::string_view JwtErrorName(JwtError error) {
  switch (error) {
    case JwtError::kMalformed: return "malformed";
    case JwtError::kBadSignature: return "bad_signature";
    case JwtError::kExpired: return "expired";
    case JwtError::kNotYetValid: return "not_yet_valid";
    case JwtError::kIssuedInFuture: return "issued_in_future";
    case JwtError::kBadIssuer: return "bad_issuer";
    case JwtError::kWrongTokenType: return "wrong_token_type";
    case JwtError::kUnsupportedAlgorithm: return "unsupported_algorithm";
  }
  return "unknown";
}

std::string SignJwt(const JwtClaims& claims, std::string_view secret) {
  std::string token = Base64UrlEncode(kHeaderJson);
  token.push_back('.');
  token.append(Base64UrlEncode(ClaimsJson(claims)));
  std::string mac = HmacSha256(secret, token);
  token.push_back('.');
  token.append(Base64UrlEncode(mac));
  return token;
}

JwtVerifyResult VerifyJwt(std::string_view token, std::string_view secret, int64_t now_seconds,
                          TokenType expected, int64_t leeway_seconds) {
  if (token.size() > kMaxTokenBytes) return JwtError::kMalformed;
  std::string_view parts[3];
  if (!SplitToken(token, parts)) return JwtError::kMalformed;

  // 1. Format and algorithm.
  std::optional<std::string> header_json = Base64UrlDecode(parts[0]);
  if (!header_json) return JwtError::kMalformed;
  simdjson::dom::parser parser;
  if (std::optional<JwtError> error = CheckHeader(parser, *header_json)) return *error;
  std::optional<std::string> claims_json = Base64UrlDecode(parts[1]);
  std::optional<std::string> signature = Base64UrlDecode(parts[2]);
  if (!claims_json || !signature) return JwtError::kMalformed;

  // 2. Signature, over the encoded header and payload exactly as received.
  std::string expected_mac = HmacSha256(secret, token.substr(0, parts[0].size() + 1 + parts[1].size()));
  if (expected_mac.size() != kSha256Bytes || signature->size() != kSha256Bytes ||
      CRYPTO_memcmp(expected_mac.data(), signature->data(), kSha256Bytes) != 0) {
    return JwtError::kBadSignature;
  }

  // 3. Claims.
  JwtClaims claims;
  bool have_iss = false;
  if (!ParseClaims(parser, *claims_json, &claims, &have_iss)) return JwtError::kMalformed;

  const int64_t leeway = leeway_seconds < 0 ? 0 : leeway_seconds;
  if (now_seconds >= SaturatingAdd(claims.exp, leeway)) return JwtError::kExpired;
  const int64_t latest_start = SaturatingAdd(now_seconds, leeway);
  if (claims.nbf && *claims.nbf > latest_start) return JwtError::kNotYetValid;
  if (claims.iat > latest_start) return JwtError::kIssuedInFuture;
  if (!have_iss || claims.iss != kJwtIssuer) return JwtError::kBadIssuer;
  if (claims.token_type != expected) return JwtError::kWrongTokenType;
  return claims;
}

std::string GenerateJwtSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    std::fputs("kalamdb: system random source failed\n", stderr);
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof(bytes));
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  OPENSSL_cleanse(bytes, sizeof(bytes));
  return out;
}

}  // namespace kalam::auth
