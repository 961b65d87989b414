#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace kalam::auth {

// Remembers successful Basic-auth password verifications so that a client sending
// `Authorization: Basic` on every request pays for bcrypt once per TTL (docs/http-api.md).
//
// An entry is keyed by HMAC-SHA256(key, user ‖ 0x00 ‖ password); the password itself is never
// stored. A hit only says "this password was right for this user a moment ago": the caller still
// loads the user to check deletion, auth type and role. Failures are never remembered. Lookups
// hash the MAC into a map; since the MAC is keyed, their timing says nothing about passwords.
//
// Invariants: `order_` holds every entry, oldest insertion first; `by_mac_` and `by_user_` index
// exactly the entries of `order_`; size() <= max_entries. Expired entries are dropped lazily, on
// lookup or when they reach the front of `order_` during eviction.
//
// Thread-safe: one mutex guards all three containers and the epoch. HMACs are computed outside it.
class BasicAuthCache {
 public:
  static constexpr size_t kDefaultMaxEntries = 100'000;

  // `key` is the HMAC key (e.g. the server secret, or random bytes per process); it is copied.
  // `ttl_seconds` <= 0 turns the cache off: Lookup misses and Remember does nothing.
  BasicAuthCache(std::string_view key, int64_t ttl_seconds, size_t max_entries = kDefaultMaxEntries);

  BasicAuthCache(const BasicAuthCache&) = delete;
  BasicAuthCache& operator=(const BasicAuthCache&) = delete;

  bool enabled() const { return ttl_us_ > 0 && max_entries_ > 0; }

  // True when (user, password) was remembered and has not expired at `now_us`. Does not extend
  // the entry's life.
  bool Lookup(std::string_view user, std::string_view password, int64_t now_us);

  // Remembers a verification that just succeeded, valid until now_us + TTL. When the cache is
  // full the oldest entry goes.
  void Remember(std::string_view user, std::string_view password, int64_t now_us);

  // As above, but does nothing if ForgetUser or Clear ran since `epoch` was read with epoch().
  // Read the epoch before the bcrypt check: a password change that lands while the check runs
  // then cannot leave the old password cached.
  void Remember(std::string_view user, std::string_view password, int64_t now_us, uint64_t epoch);
  uint64_t epoch() const;

  // Drops every entry of `user` at once (password change, role change, DROP USER).
  void ForgetUser(std::string_view user);
  void Clear();

  size_t size() const;

 private:
  struct Entry {
    std::string mac;  // 32 bytes
    std::string user;
    int64_t expires_us;
  };
  using EntryList = std::list<Entry>;

  std::string Mac(std::string_view user, std::string_view password) const;
  void RememberMac(std::string mac, std::string_view user, int64_t now_us, const uint64_t* epoch);
  // Requires mu_.
  void EraseLocked(EntryList::iterator it);

  struct FreeDigest {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  using Digest = std::unique_ptr<evp_md_ctx_st, FreeDigest>;
  // HMAC-SHA256 with the key's two pads hashed once (RFC 2104): each Mac copies these states
  // instead of looking the algorithm up and keying it again, a few microseconds per request.
  // Null when OpenSSL refused; then every Mac is empty and every lookup misses.
  Digest inner_;  // SHA-256 after (key XOR ipad)
  Digest outer_;  // SHA-256 after (key XOR opad)
  const int64_t ttl_us_;
  const size_t max_entries_;

  mutable std::mutex mu_;  // guards order_, by_mac_, by_user_, epoch_
  EntryList order_;
  std::unordered_map<std::string, EntryList::iterator> by_mac_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_user_;  // user -> MACs
  uint64_t epoch_ = 0;  // bumped by ForgetUser and Clear
};

}  // namespace kalam::auth
