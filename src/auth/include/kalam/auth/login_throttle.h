#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kalam/commons/user_record.h"

namespace kalam::auth {

// Account lockout (docs/http-api.md) and the per-IP authentication rate (docs/http-api.md).
//
// Lockout state lives on the UserRecord (failed_login_attempts, locked_until_us) and is persisted
// by the caller; the functions here only compute it, so they are pure and thread-safe. The caller
// checks IsLocked before verifying a password, applies OnFailure after a failed verification
// (login, Basic, WebSocket) and resets both fields to 0 after a success.

struct LockoutDecision {
  uint32_t failed_login_attempts = 0;
  int64_t locked_until_us = 0;  // 0 = not locked

  bool locked() const { return locked_until_us != 0; }
};

// The user's state after one more failure at `now_us`. A lock that has run out starts the count
// afresh. Reaching `max_failed` consecutive failures locks the account for `lockout_minutes`;
// the counter then stays at its value until the next failure after the lock ends.
// max_failed <= 0 or lockout_minutes <= 0 disables locking (failures are still counted).
LockoutDecision OnFailure(const UserRecord& user, int64_t now_us, int max_failed, int lockout_minutes);

bool IsLocked(const UserRecord& user, int64_t now_us);

// Whole minutes left on the lock, rounded up (at least 1 while locked); 0 when not locked.
int MinutesLeft(const UserRecord& user, int64_t now_us);

// "Account locked. Try again in N minute(s)", the client-facing message.
std::string AccountLockedMessage(int minutes_left);

// Counts events per key (an IP address) in fixed one-second windows aligned on whole seconds
// of `now_us`, and refuses those beyond `limit_per_second` within a window. A limit of 0 disables
// it. Rejected events do not count.
//
// Memory: keys whose window has passed are purged whenever a new second begins, so the map holds only
// keys seen in the current window, and never more than `max_keys`; a new key arriving when the
// map is full is allowed without being tracked (a flood from that many addresses is beyond what a
// per-IP limit can stop).
//
// Thread-safe: one mutex guards the map and the purge mark.
class RateLimiter {
 public:
  static constexpr size_t kDefaultMaxKeys = 100'000;

  explicit RateLimiter(uint32_t limit_per_second, size_t max_keys = kDefaultMaxKeys)
      : limit_(limit_per_second), max_keys_(max_keys) {}

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool enabled() const { return limit_ != 0; }
  uint32_t limit() const { return limit_; }

  // True if the event is within the limit (and counts it); false if it must be refused.
  bool Allow(std::string_view key, int64_t now_us);

  // Keys currently tracked (for tests and metrics).
  size_t tracked_keys() const;

 private:
  struct Window {
    int64_t second;
    uint32_t count;
  };

  const uint32_t limit_;
  const size_t max_keys_;

  mutable std::mutex mu_;  // guards windows_ and last_purge_second_
  std::unordered_map<std::string, Window> windows_;
  int64_t last_purge_second_ = INT64_MIN;
};

}  // namespace kalam::auth
