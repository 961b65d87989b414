#include "kalam/auth/base64.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace kalam::auth {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, BasicAuthExample) {
  EXPECT_EQ(Base64Encode("root:kalamdb123"), "cm9vdDprYWxhbWRiMTIz");
  EXPECT_EQ(Base64Decode("cm9vdDprYWxhbWRiMTIz").value_or("?"), "root:kalamdb123");
}

TEST(Base64Test, StandardRejectsInvalid) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm-v", "Zm_v", "Zm9v=",
                          "Zh==", "Zm9=", "====", "Zg=a", "=Zg="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::mt19937 rng(42);
  for (int len = 0; len < 200; ++len) {
    std::string data(len, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    EXPECT_EQ(Base64Decode(Base64Encode(data)).value_or("?"), data);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(data)).value_or("?"), data);
  }
}

TEST(Base64Test, UrlAlphabetWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Base64UrlDecode("-_-_").value_or("?"), "\xfb\xff\xbf");
  EXPECT_EQ(Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})"), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

TEST(Base64Test, UrlRejectsInvalid) {
  for (const char* bad : {"Zg==", "Zm8=", "Z", "Zm9vY", "+/+/", "Zh", "Zm9", "a b", "Zg.", "\xff\xff"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64UrlDecode("").value_or("?"), "");
}

TEST(Base64Test, RandomGarbageNeverCrashes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 10000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    auto a = Base64Decode(s);
    auto b = Base64UrlDecode(s);
    // Whatever decodes re-encodes to the same text: the encoding is canonical.
    if (a) {
      EXPECT_EQ(Base64Encode(*a), s);
    }
    if (b) {
      EXPECT_EQ(Base64UrlEncode(*b), s);
    }
  }
}

}  // namespace
}  // namespace kalam::auth
