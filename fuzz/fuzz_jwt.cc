// libFuzzer target: JWT verification (src/auth/jwt.*). The first byte picks what the rest is:
//   0: a whole token as a client sends it;
//   1: the claims JSON, which the harness signs with the test secret, so that the claims
//      parser and the time checks are reached (a random token never passes the signature);
//   2: the header JSON, signed the same way with fixed claims.
// The time now and the leeway come from the input too, to reach the overflow edges.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "kalam/auth/base64.h"
#include "kalam/auth/jwt.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kClaims =
    R"({"sub":"alice","iss":"kalamdb","iat":1700000000,"exp":1700003600,"email":null,"role":"user","token_type":"access"})";

std::string Signed(std::string_view header, std::string_view claims) {
  std::string token = kalam::auth::Base64UrlEncode(header) + "." + kalam::auth::Base64UrlEncode(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &mac_len);
  return token + "." + kalam::auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

int64_t TakeInt64(std::string_view* input) {
  int64_t out = 0;
  if (input->size() < sizeof(out)) return 1700000000;
  std::memcpy(&out, input->data(), sizeof(out));
  input->remove_prefix(sizeof(out));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string token;
  switch (mode) {
    case 0: token = std::string(rest); break;
    case 1: token = Signed(kHeader, rest); break;
    default: token = Signed(rest, kClaims); break;
  }
  for (auto type : {kalam::auth::TokenType::kAccess, kalam::auth::TokenType::kRefresh}) {
    (void)kalam::auth::VerifyJwt(token, kSecret, 1700000100, type);
  }
  // Extreme clocks and leeways: the expiry arithmetic must saturate, not overflow.
  std::string_view times = rest.substr(0, 16);
  const int64_t now = TakeInt64(&times);
  const int64_t leeway = TakeInt64(&times);
  (void)kalam::auth::VerifyJwt(token, kSecret, now, kalam::auth::TokenType::kAccess, leeway);
  return 0;
}
