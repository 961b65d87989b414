#include "kalam/auth/jwt.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "kalam/auth/base64.h"

namespace kalam::auth {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1'780'000'000;

JwtClaims Claims(TokenType type = TokenType::kAccess) {
  JwtClaims c;
  c.sub = "alice";
  c.role = "user";
  c.iat = kNow;
  c.exp = kNow + 24 * 3600;
  c.token_type = type;
  return c;
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// A token from header and payload JSON and the signature part as given.
std::string Craft(std::string_view header_json, std::string_view payload_json, std::string_view signature) {
  return Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json) + "." + std::string(signature);
}

JwtError ErrorOf(const JwtVerifyResult& r) { return r.ok() ? static_cast<JwtError>(-1) : r.error(); }

TEST(JwtTest, ExactWireFormat) {
  std::string token = SignJwt(Claims(), kSecret);
  std::vector<std::string> parts = Split(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(Base64UrlDecode(parts[0]).value_or("?"), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(Base64UrlDecode(parts[1]).value_or("?"),
            R"({"sub":"alice","iss":"kalamdb","iat":1780000000,"exp":1780086400,"email":null,"role":"user",)"
            R"("token_type":"access"})");
  EXPECT_EQ(parts[2].size(), 43u);  // 32 bytes, unpadded
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST(JwtTest, KnownSignature) {
  // Reference token from jwt.io's HS256 example (secret "your-256-bit-secret"): our HMAC and
  // base64url agree with other implementations. Its claims lack ours, hence kMalformed after
  // the signature check passes.
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
      "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  EXPECT_EQ(ErrorOf(VerifyJwt(token, "your-256-bit-secret", kNow, TokenType::kAccess)), JwtError::kMalformed);
  EXPECT_EQ(ErrorOf(VerifyJwt(token, "another-secret", kNow, TokenType::kAccess)), JwtError::kBadSignature);
}

TEST(JwtTest, RoundTrip) {
  JwtClaims c = Claims();
  c.email = "alice@example.com";
  c.sub = "al\"ice\\\n";  // escaping survives the round trip
  JwtVerifyResult r = VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess);
  ASSERT_TRUE(r.ok()) << JwtErrorName(r.error());
  EXPECT_EQ(r.claims().sub, c.sub);
  EXPECT_EQ(r.claims().iss, "kalamdb");
  EXPECT_EQ(r.claims().role, "user");
  EXPECT_EQ(r.claims().email, c.email);
  EXPECT_EQ(r.claims().iat, c.iat);
  EXPECT_EQ(r.claims().exp, c.exp);
  EXPECT_FALSE(r.claims().nbf.has_value());
  EXPECT_EQ(r.claims().token_type, TokenType::kAccess);

  JwtClaims refresh = Claims(TokenType::kRefresh);
  refresh.nbf = kNow;
  JwtVerifyResult rr = VerifyJwt(SignJwt(refresh, kSecret), kSecret, kNow, TokenType::kRefresh);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr.claims().token_type, TokenType::kRefresh);
  EXPECT_EQ(rr.claims().nbf, kNow);
  EXPECT_FALSE(rr.claims().email.has_value());
  EXPECT_FALSE(rr.claims().credentials_changed_at_us.has_value());

  JwtClaims versioned = Claims();
  versioned.credentials_changed_at_us = 1780000000123456;
  JwtVerifyResult rv = VerifyJwt(SignJwt(versioned, kSecret), kSecret, kNow, TokenType::kAccess);
  ASSERT_TRUE(rv.ok());
  EXPECT_EQ(rv.claims().credentials_changed_at_us, 1780000000123456);
}

TEST(JwtTest, WrongSecret) {
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(Claims(), kSecret), "other-secret", kNow, TokenType::kAccess)),
            JwtError::kBadSignature);
}

TEST(JwtTest, TamperedPayload) {
  std::vector<std::string> parts = Split(SignJwt(Claims(), kSecret));
  JwtClaims admin = Claims();
  admin.role = "system";
  std::vector<std::string> forged = Split(SignJwt(admin, "attacker"));
  std::string token = parts[0] + "." + forged[1] + "." + parts[2];
  EXPECT_EQ(ErrorOf(VerifyJwt(token, kSecret, kNow, TokenType::kAccess)), JwtError::kBadSignature);
}

TEST(JwtTest, TamperedSignature) {
  std::string token = SignJwt(Claims(), kSecret);
  for (size_t i = token.rfind('.') + 1; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    JwtError e = ErrorOf(VerifyJwt(t, kSecret, kNow, TokenType::kAccess));
    EXPECT_TRUE(e == JwtError::kBadSignature || e == JwtError::kMalformed) << i;
  }
  std::vector<std::string> parts = Split(token);
  EXPECT_EQ(ErrorOf(VerifyJwt(parts[0] + "." + parts[1] + ".", kSecret, kNow, TokenType::kAccess)),
            JwtError::kBadSignature);
  EXPECT_EQ(ErrorOf(VerifyJwt(parts[0] + "." + parts[1] + "." + parts[2].substr(0, 42) + "B", kSecret, kNow,
                              TokenType::kAccess)),
            JwtError::kMalformed);  // non-canonical base64url tail
  EXPECT_EQ(ErrorOf(VerifyJwt(parts[0] + "." + parts[1] + "." + parts[2] + "AAAA", kSecret, kNow, TokenType::kAccess)),
            JwtError::kBadSignature);
}

TEST(JwtTest, AlgNoneRefused) {
  const std::string payload = Base64UrlDecode(Split(SignJwt(Claims(), kSecret))[1]).value();
  EXPECT_EQ(ErrorOf(VerifyJwt(Craft(R"({"alg":"none","typ":"JWT"})", payload, ""), kSecret, kNow, TokenType::kAccess)),
            JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(ErrorOf(VerifyJwt(Craft(R"({"alg":"None"})", payload, ""), kSecret, kNow, TokenType::kAccess)),
            JwtError::kUnsupportedAlgorithm);
  // Even with the correct HS256 signature appended, the header decides.
  const std::string sig = Split(SignJwt(Claims(), kSecret))[2];
  EXPECT_EQ(ErrorOf(VerifyJwt(Craft(R"({"alg":"none","typ":"JWT"})", payload, sig), kSecret, kNow, TokenType::kAccess)),
            JwtError::kUnsupportedAlgorithm);
}

TEST(JwtTest, OtherAlgorithmsRefused) {
  const std::string payload = Base64UrlDecode(Split(SignJwt(Claims(), kSecret))[1]).value();
  const std::string fake_sig = Base64UrlEncode(std::string(64, 'x'));
  for (const char* alg : {"HS512", "HS384", "RS256", "ES256", "hs256", "HS256 ", ""}) {
    std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    EXPECT_EQ(ErrorOf(VerifyJwt(Craft(header, payload, fake_sig), kSecret, kNow, TokenType::kAccess)),
              JwtError::kUnsupportedAlgorithm)
        << alg;
  }
}

TEST(JwtTest, BadHeadersAreMalformed) {
  const std::string payload = Base64UrlDecode(Split(SignJwt(Claims(), kSecret))[1]).value();
  for (const char* header : {R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":null})", R"(["HS256"])", R"("HS256")",
                             R"({"alg":"HS256","alg":"none"})", R"({"alg":"HS256","crit":["exp"]})", "{", "",
                             R"({"alg":"HS256"} x)"}) {
    EXPECT_EQ(ErrorOf(VerifyJwt(Craft(header, payload, "AAAA"), kSecret, kNow, TokenType::kAccess)),
              JwtError::kMalformed)
        << header;
  }
}

TEST(JwtTest, ExpiryWithLeeway) {
  JwtClaims c = Claims();
  c.exp = kNow - 61;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kExpired);
  c.exp = kNow - 59;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess).ok());
  c.exp = kNow - 59;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess, /*leeway_seconds=*/0)),
            JwtError::kExpired);
  c.exp = kNow + 1;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess, 0).ok());
  c.exp = kNow;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess, 0)), JwtError::kExpired);
}

TEST(JwtTest, NotYetValidAndIssuedInFuture) {
  JwtClaims c = Claims();
  c.iat = kNow + 61;
  c.exp = kNow + 3600;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kIssuedInFuture);
  c.iat = kNow + 60;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess).ok());
  c.iat = kNow;
  c.nbf = kNow + 61;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kNotYetValid);
  c.nbf = kNow + 60;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess).ok());
}

TEST(JwtTest, WrongIssuer) {
  JwtClaims c = Claims();
  c.iss = "someone-else";
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kBadIssuer);
  c.iss = "";
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kBadIssuer);
}

// Signs arbitrary header and payload bytes with HS256, independently of SignJwt.
std::string SignRaw(std::string_view header_json, std::string_view payload_json, std::string_view secret = kSecret) {
  std::string signing_input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &len);
  return signing_input + "." + Base64UrlEncode(std::string(reinterpret_cast<const char*>(mac), len));
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

JwtError ErrorOfPayload(std::string_view payload) {
  return ErrorOf(VerifyJwt(SignRaw(kHs256Header, payload), kSecret, kNow, TokenType::kAccess));
}

TEST(JwtTest, IndependentSignatureAgrees) {
  const std::string payload = Base64UrlDecode(Split(SignJwt(Claims(), kSecret))[1]).value();
  EXPECT_EQ(SignRaw(kHs256Header, payload), SignJwt(Claims(), kSecret));
  // Header members other than alg are ignored; typ may be absent.
  EXPECT_TRUE(VerifyJwt(SignRaw(R"({"alg":"HS256"})", payload), kSecret, kNow, TokenType::kAccess).ok());
  EXPECT_TRUE(VerifyJwt(SignRaw(R"({"typ":"JWT","kid":"x","alg":"HS256"})", payload), kSecret, kNow,
                        TokenType::kAccess).ok());
}

TEST(JwtTest, ClaimValidation) {
  EXPECT_EQ(ErrorOfPayload(R"({"sub":"alice","iat":1780000000,"exp":1780086400,"role":"user","token_type":"access"})"),
            JwtError::kBadIssuer);
  // Unknown claims are ignored; email may be absent.
  EXPECT_TRUE(VerifyJwt(SignRaw(kHs256Header, R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,)"
                                                R"("role":"user","token_type":"access","jti":"x","extra":{"a":[1]}})"),
                        kSecret, kNow, TokenType::kAccess)
                  .ok());
  const char* kMalformedPayloads[] = {
      R"({"iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","token_type":"access"})",  // no sub
      R"({"sub":"","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","exp":1780086400,"role":"user","token_type":"access"})",  // no iat
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"role":"user","token_type":"access"})",  // no exp
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"token_type":"access"})",  // no role
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user"})",  // no token_type
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","token_type":"id"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":"1780086400","role":"user","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400.5,"role":"user","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":18446744073709551615,"role":"user","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","token_type":"access","nbf":"x"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","token_type":"access","email":1})",
      R"({"sub":"a","iss":7,"iat":1780000000,"exp":1780086400,"role":"user","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":"user","role":"system","token_type":"access"})",
      R"({"sub":"a","iss":"kalamdb","iat":1780000000,"exp":1780086400,"role":null,"token_type":"access"})",
      R"(["sub","a"])",
      R"(null)",
      R"({"sub":"a")",
      "",
      "{\"sub\":\"\xff\xfe\",\"iss\":\"kalamdb\",\"iat\":1780000000,\"exp\":1780086400,\"role\":\"user\",\"token_type\":\"access\"}",
  };
  for (const char* payload : kMalformedPayloads) EXPECT_EQ(ErrorOfPayload(payload), JwtError::kMalformed) << payload;
}

TEST(JwtTest, ExtremeTimesDoNotOverflow) {
  JwtClaims c = Claims();
  c.exp = INT64_MAX;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess).ok());
  c.exp = INT64_MIN;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kExpired);
  c = Claims();
  c.iat = INT64_MIN;
  c.nbf = INT64_MIN;
  EXPECT_TRUE(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess).ok());
  c.iat = INT64_MAX;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kIssuedInFuture);
  EXPECT_TRUE(VerifyJwt(SignJwt(Claims(), kSecret), kSecret, kNow, TokenType::kAccess, INT64_MAX).ok());
}

TEST(JwtTest, RefreshTokenOnAccessRoute) {
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(Claims(TokenType::kRefresh), kSecret), kSecret, kNow, TokenType::kAccess)),
            JwtError::kWrongTokenType);
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(Claims(TokenType::kAccess), kSecret), kSecret, kNow, TokenType::kRefresh)),
            JwtError::kWrongTokenType);
}

TEST(JwtTest, CheckOrder) {
  // Signature before expiry.
  JwtClaims c = Claims();
  c.exp = kNow - 3600;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, "other"), kSecret, kNow, TokenType::kAccess)), JwtError::kBadSignature);
  // Expiry before issuer and token type.
  c.iss = "evil";
  c.token_type = TokenType::kRefresh;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kExpired);
  // Future iat before issuer; issuer before token type.
  c.exp = kNow + 3600;
  c.iat = kNow + 600;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kIssuedInFuture);
  c.iat = kNow;
  EXPECT_EQ(ErrorOf(VerifyJwt(SignJwt(c, kSecret), kSecret, kNow, TokenType::kAccess)), JwtError::kBadIssuer);
  // Algorithm before signature.
  std::vector<std::string> parts = Split(SignJwt(Claims(), "other"));
  std::string hs512 = Base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})") + "." + parts[1] + "." + parts[2];
  EXPECT_EQ(ErrorOf(VerifyJwt(hs512, kSecret, kNow, TokenType::kAccess)), JwtError::kUnsupportedAlgorithm);
}

TEST(JwtTest, StructureErrors) {
  std::string token = SignJwt(Claims(), kSecret);
  std::vector<std::string> parts = Split(token);
  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), std::string("..."), parts[0], parts[0] + "." + parts[1],
        token + ".", token + ".x", "." + parts[1] + "." + parts[2], parts[0] + ".." + parts[2],
        parts[0] + "=." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + "=." + parts[2],
        " " + token, token + " ", std::string(20000, 'a')}) {
    JwtVerifyResult r = VerifyJwt(bad, kSecret, kNow, TokenType::kAccess);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_TRUE(r.error() == JwtError::kMalformed || r.error() == JwtError::kBadSignature) << bad;
    }
  }
}

TEST(JwtTest, GarbageNeverCrashes) {
  std::mt19937_64 rng(1234);
  const std::string valid = SignJwt(Claims(), kSecret);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/{}\":, ";
  for (int i = 0; i < 10000; ++i) {
    std::string s;
    switch (i % 4) {
      case 0: {  // random bytes
        s.resize(rng() % 300);
        for (char& c : s) c = static_cast<char>(rng());
        break;
      }
      case 1: {  // random token-ish characters
        s.resize(rng() % 300);
        for (char& c : s) c = alphabet[rng() % alphabet.size()];
        break;
      }
      case 2: {  // three random base64url parts of random JSON-ish bytes
        for (int p = 0; p < 3; ++p) {
          std::string raw(rng() % 80, '\0');
          for (char& c : raw) c = alphabet[rng() % alphabet.size()];
          if (p) s.push_back('.');
          s += Base64UrlEncode(raw);
        }
        break;
      }
      default: {  // a valid token with a few characters changed
        s = valid;
        int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
        break;
      }
    }
    JwtVerifyResult r = VerifyJwt(s, kSecret, kNow, TokenType::kAccess);
    if (r.ok()) {
      EXPECT_EQ(s, valid);
    }
  }
}

TEST(JwtTest, GeneratedSecret) {
  std::string a = GenerateJwtSecret();
  std::string b = GenerateJwtSecret();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(JwtTest, Names) {
  EXPECT_EQ(TokenTypeName(TokenType::kAccess), "access");
  EXPECT_EQ(TokenTypeName(TokenType::kRefresh), "refresh");
  EXPECT_EQ(JwtErrorName(JwtError::kExpired), "expired");
}

}  // namespace
}  // namespace kalam::auth
