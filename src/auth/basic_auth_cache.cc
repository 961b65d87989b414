#include "kalam/auth/basic_auth_cache.h"

#include <algorithm>
#include <string>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace kalam::auth {
namespace {

int64_t TtlMicros(int64_t ttl_seconds) {
  if (ttl_seconds <= 0) return 0;
  constexpr int64_t kMaxSeconds = INT64_MAX / 1'000'000;
  return (ttl_seconds > kMaxSeconds ? kMaxSeconds : ttl_seconds) * 1'000'000;
}

constexpr size_t kBlockBytes = 64;  // SHA-256's block

// SHA-256 with one block, `key` (as HMAC pads it) XOR `pad`, already hashed; null on failure.
evp_md_ctx_st* PaddedKeyState(std::string_view key, unsigned char pad) {
  unsigned char block[kBlockBytes] = {};
  if (key.size() > kBlockBytes) {
    unsigned int hashed = 0;
    if (EVP_Digest(key.data(), key.size(), block, &hashed, EVP_sha256(), nullptr) != 1) return nullptr;
  } else {
    std::copy(key.begin(), key.end(), block);
  }
  for (unsigned char& b : block) b ^= pad;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, block, sizeof(block)) == 1;
  OPENSSL_cleanse(block, sizeof(block));
  if (!ok) {
    EVP_MD_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

}  // namespace

void BasicAuthCache::FreeDigest::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

BasicAuthCache::BasicAuthCache(std::string_view key, int64_t ttl_seconds, size_t max_entries)
    : inner_(PaddedKeyState(key, 0x36)),
      outer_(PaddedKeyState(key, 0x5c)),
      ttl_us_(TtlMicros(ttl_seconds)),
      max_entries_(max_entries) {}

std::string BasicAuthCache::Mac(std::string_view user, std::string_view password) const {
  if (!inner_ || !outer_) return {};
  // The keyed states are only read; each thread hashes in a context of its own.
  thread_local Digest work(EVP_MD_CTX_new());
  if (!work) return {};
  static const unsigned char kSeparator = 0;
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  unsigned int mac_len = 0;
  const bool ok = EVP_MD_CTX_copy_ex(work.get(), inner_.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), user.data(), user.size()) == 1 &&
                  EVP_DigestUpdate(work.get(), &kSeparator, 1) == 1 &&
                  EVP_DigestUpdate(work.get(), password.data(), password.size()) == 1 &&
                  EVP_DigestFinal_ex(work.get(), inner, &inner_len) == 1 &&
                  EVP_MD_CTX_copy_ex(work.get(), outer_.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), inner, inner_len) == 1 &&
                  EVP_DigestFinal_ex(work.get(), mac, &mac_len) == 1;
  if (!ok || mac_len == 0) return {};
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

bool BasicAuthCache::Lookup(std::string_view user, std::string_view password, int64_t now_us) {
  if (!enabled()) return false;
  std::string mac = Mac(user, password);
  if (mac.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto found = by_mac_.find(mac);
  if (found == by_mac_.end()) return false;
  EntryList::iterator it = found->second;
  // The MAC binds the user already; comparing it again guards against a key collision bug.
  if (it->user != user) return false;
  if (now_us >= it->expires_us) {
    EraseLocked(it);
    return false;
  }
  return true;
}

void BasicAuthCache::Remember(std::string_view user, std::string_view password, int64_t now_us) {
  if (!enabled()) return;
  RememberMac(Mac(user, password), user, now_us, nullptr);
}

void BasicAuthCache::Remember(std::string_view user, std::string_view password, int64_t now_us, uint64_t epoch) {
  if (!enabled()) return;
  RememberMac(Mac(user, password), user, now_us, &epoch);
}

void BasicAuthCache::RememberMac(std::string mac, std::string_view user, int64_t now_us, const uint64_t* epoch) {
  if (mac.empty()) return;
  int64_t expires_us;
  if (__builtin_add_overflow(now_us, ttl_us_, &expires_us)) expires_us = INT64_MAX;

  std::lock_guard<std::mutex> lock(mu_);
  if (epoch != nullptr && *epoch != epoch_) return;
  if (auto found = by_mac_.find(mac); found != by_mac_.end()) EraseLocked(found->second);
  while (order_.size() >= max_entries_) EraseLocked(order_.begin());

  order_.push_back(Entry{mac, std::string(user), expires_us});
  auto it = std::prev(order_.end());
  by_user_[it->user].insert(mac);
  by_mac_.emplace(std::move(mac), it);
}

uint64_t BasicAuthCache::epoch() const {
  std::lock_guard<std::mutex> lock(mu_);
  return epoch_;
}

void BasicAuthCache::ForgetUser(std::string_view user) {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
  auto found = by_user_.find(std::string(user));
  if (found == by_user_.end()) return;
  for (const std::string& mac : found->second) {
    auto entry = by_mac_.find(mac);
    if (entry == by_mac_.end()) continue;
    order_.erase(entry->second);
    by_mac_.erase(entry);
  }
  by_user_.erase(found);
}

void BasicAuthCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
  order_.clear();
  by_mac_.clear();
  by_user_.clear();
}

size_t BasicAuthCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return order_.size();
}

void BasicAuthCache::EraseLocked(EntryList::iterator it) {
  if (auto user = by_user_.find(it->user); user != by_user_.end()) {
    user->second.erase(it->mac);
    if (user->second.empty()) by_user_.erase(user);
  }
  by_mac_.erase(it->mac);
  order_.erase(it);
}

}  // namespace kalam::auth
