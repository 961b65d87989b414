#include "kalam/auth/password_hasher.h"

#include <cstring>
#include <memory>
#include <string>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace kalam::auth {
namespace {

// bcrypt salts are 16 bytes; libxcrypt encodes them into the 22 salt characters.
constexpr int kSaltBytes = 16;
constexpr size_t kBcryptHashLength = 60;

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// `$2a$`, `$2b$` or `$2y$`, two cost digits, `$`, then 53 characters of bcrypt's base64 alphabet.
bool LooksLikeBcrypt(std::string_view hash) {
  if (hash.size() != kBcryptHashLength) return false;
  if (hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return false;
  for (size_t i = 7; i < hash.size(); ++i) {
    char c = hash[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '/';
    if (!ok) return false;
  }
  return true;
}

// Zeroed as libxcrypt requires before first use; on the heap because it is about 32 KiB.
std::unique_ptr<crypt_data> NewCryptData() { return std::make_unique<crypt_data>(); }

// Wipes the copy of the password-derived output left in `data`.
void Wipe(crypt_data& data) { OPENSSL_cleanse(&data, sizeof(data)); }

}  // namespace

Result<std::string> HashPassword(std::string_view password, int cost) {
  if (password.empty()) return Status::InvalidArgument("Password must not be empty");
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("Password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (HasNul(password)) return Status::InvalidArgument("Password must not contain NUL bytes");
  if (cost < kMinBcryptCost || cost > kMaxBcryptCost) {
    return Status::InvalidArgument("bcrypt cost must be between " + std::to_string(kMinBcryptCost) + " and " +
                                   std::to_string(kMaxBcryptCost));
  }

  unsigned char salt_bytes[kSaltBytes];
  if (RAND_bytes(salt_bytes, kSaltBytes) != 1) return Status::Internal("random source failed");
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  const char* gensalt = crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost),
                                         reinterpret_cast<const char*>(salt_bytes), kSaltBytes, setting,
                                         sizeof(setting));
  OPENSSL_cleanse(salt_bytes, sizeof(salt_bytes));
  if (gensalt == nullptr) return Status::Internal("crypt_gensalt_rn failed");

  const std::string pw(password);  // NUL-terminated copy for crypt
  auto data = NewCryptData();
  const char* out = crypt_rn(pw.c_str(), setting, data.get(), sizeof(crypt_data));
  std::string hash;
  if (out != nullptr && out[0] != '*') hash = out;
  Wipe(*data);
  if (!LooksLikeBcrypt(hash)) return Status::Internal("crypt_rn failed");
  return hash;
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  if (!LooksLikeBcrypt(hash)) return false;
  if (password.empty() || password.size() > kMaxPasswordBytes || HasNul(password)) return false;

  const std::string pw(password);
  const std::string setting(hash);
  auto data = NewCryptData();
  const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  bool match = out != nullptr && std::strlen(out) == hash.size() &&
               CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  Wipe(*data);
  return match;
}

}  // namespace kalam::auth
