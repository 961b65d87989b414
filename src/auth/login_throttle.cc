#include "kalam/auth/login_throttle.h"

#include <string>

namespace kalam::auth {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;

// Floor division, so that windows stay one second wide on both sides of zero.
int64_t SecondOf(int64_t now_us) {
  int64_t q = now_us / kMicrosPerSecond;
  if (now_us % kMicrosPerSecond < 0) --q;
  return q;
}

}  // namespace

LockoutDecision OnFailure(const UserRecord& user, int64_t now_us, int max_failed, int lockout_minutes) {
  LockoutDecision d;
  // A lock that has run out is forgotten together with the failures that caused it.
  const bool lock_expired = user.locked_until_us != 0 && user.locked_until_us <= now_us;
  const uint32_t previous = lock_expired ? 0 : user.failed_login_attempts;
  d.failed_login_attempts = previous == UINT32_MAX ? previous : previous + 1;
  d.locked_until_us = lock_expired ? 0 : user.locked_until_us;
  if (max_failed > 0 && lockout_minutes > 0 && d.failed_login_attempts >= static_cast<uint32_t>(max_failed)) {
    int64_t until;
    if (__builtin_add_overflow(now_us, static_cast<int64_t>(lockout_minutes) * kMicrosPerMinute, &until)) {
      until = INT64_MAX;
    }
    if (until > d.locked_until_us) d.locked_until_us = until;
  }
  return d;
}

bool IsLocked(const UserRecord& user, int64_t now_us) {
  return user.locked_until_us != 0 && user.locked_until_us > now_us;
}

int MinutesLeft(const UserRecord& user, int64_t now_us) {
  if (!IsLocked(user, now_us)) return 0;
  // Difference may exceed int64 only for absurd inputs; compute in unsigned to stay defined.
  uint64_t left = static_cast<uint64_t>(user.locked_until_us) - static_cast<uint64_t>(now_us);
  uint64_t minutes = (left + kMicrosPerMinute - 1) / kMicrosPerMinute;
  return minutes > static_cast<uint64_t>(INT32_MAX) ? INT32_MAX : static_cast<int>(minutes);
}

std::string AccountLockedMessage(int minutes_left) {
  return "Account locked. Try again in " + std::to_string(minutes_left) + " minute(s)";
}

bool RateLimiter::Allow(std::string_view key, int64_t now_us) {
  if (limit_ == 0) return true;
  const int64_t second = SecondOf(now_us);
  std::lock_guard<std::mutex> lock(mu_);
  if (second > last_purge_second_) {
    // Windows before the current one can no longer refuse anything.
    std::erase_if(windows_, [second](const auto& kv) { return kv.second.second < second; });
    last_purge_second_ = second;
  }
  auto found = windows_.find(std::string(key));
  if (found == windows_.end()) {
    if (windows_.size() >= max_keys_) return true;
    windows_.emplace(std::string(key), Window{second, 1});
    return true;
  }
  Window& w = found->second;
  // A caller whose clock reading is slightly behind another's counts toward the newer window.
  if (second > w.second) w = Window{second, 0};
  if (w.count >= limit_) return false;
  ++w.count;
  return true;
}

size_t RateLimiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return windows_.size();
}

}  // namespace kalam::auth
