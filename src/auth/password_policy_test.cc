#include "kalam/auth/password_policy.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kalam::auth {
namespace {

using ::testing::HasSubstr;

TEST(PasswordPolicyTest, Length) {
  EXPECT_EQ(CheckPasswordPolicy("", false).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(CheckPasswordPolicy("Ab1!xyz", false).message(), HasSubstr("at least 8"));
  EXPECT_TRUE(CheckPasswordPolicy("abcdefgh", false).ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(72, 'k'), false).ok());
  Status too_long = CheckPasswordPolicy(std::string(73, 'k'), false);
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.message(), HasSubstr("at most 72"));
  EXPECT_EQ(CheckPasswordPolicy(std::string("abcd\0efgh", 9), false).code(), StatusCode::kInvalidArgument);
}

TEST(PasswordPolicyTest, CommonPasswordsRefused) {
  for (const char* pw : {"password", "12345678", "passw0rd", "PASSWORD", "Password", "iloveyou", "password123"}) {
    Status s = CheckPasswordPolicy(pw, false);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << pw;
    EXPECT_THAT(s.message(), HasSubstr("too common")) << pw;
  }
  // Short common ones fail the length rule first.
  for (const char* pw : {"123456", "qwerty", "abc123", "letmein"}) {
    EXPECT_EQ(CheckPasswordPolicy(pw, false).code(), StatusCode::kInvalidArgument) << pw;
  }
  // The test root password is not on the list.
  EXPECT_TRUE(CheckPasswordPolicy("kalamdb123", false).ok());
}

TEST(PasswordPolicyTest, Complexity) {
  EXPECT_TRUE(CheckPasswordPolicy("Secret123!", true).ok());
  EXPECT_TRUE(CheckPasswordPolicy("secret123", false).ok());
  EXPECT_THAT(CheckPasswordPolicy("secret123!", true).message(), HasSubstr("uppercase"));
  EXPECT_THAT(CheckPasswordPolicy("SECRET123!", true).message(), HasSubstr("lowercase"));
  EXPECT_THAT(CheckPasswordPolicy("SecretABC!", true).message(), HasSubstr("digit"));
  EXPECT_THAT(CheckPasswordPolicy("Secret1234", true).message(), HasSubstr("special"));
  EXPECT_TRUE(CheckPasswordPolicy("Secret 1234", true).ok());  // space counts as special
  EXPECT_EQ(CheckPasswordPolicy("Secret123!", true).code(), StatusCode::kOk);
  // Complexity does not rescue a common password.
  EXPECT_THAT(CheckPasswordPolicy("P@ssw0rd", true).message(), HasSubstr("too common"));
}

TEST(PasswordPolicyTest, GeneratedPassword) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string pw = GenerateRandomPassword(24);
    ASSERT_EQ(pw.size(), 24u);
    for (char c : pw) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      EXPECT_TRUE(ok) << pw;
    }
    seen.insert(pw);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(GenerateRandomPassword(0), "");
  EXPECT_EQ(GenerateRandomPassword(1000).size(), 1000u);
}

TEST(PasswordPolicyTest, GeneratedPasswordUsesWholeAlphabet) {
  std::string many = GenerateRandomPassword(62 * 200);
  std::set<char> chars(many.begin(), many.end());
  EXPECT_EQ(chars.size(), 62u);
}

}  // namespace
}  // namespace kalam::auth
