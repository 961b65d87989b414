#include "connection_guard.h"

#include <utility>

namespace kalam::api {

ConnectionGuard::ConnectionGuard(const ProtectionOptions& options)
    : options_(options),
      ban_us_(static_cast<int64_t>(options.ban_duration_seconds) * 1'000'000),
      request_rate_(options.max_requests_per_ip_per_sec, kMaxTrackedIps) {}

ConnectionGuard::RequestDecision ConnectionGuard::CheckRequest(const std::string& client_ip, bool client_loopback,
                                                               int64_t now_us) {
  RequestDecision decision;
  if (Exempt(client_loopback)) return decision;
  if (ban_us_ > 0) {
    std::lock_guard lock(offenders_mu_);
    auto it = offenders_.find(client_ip);
    if (it != offenders_.end() && it->second.banned_until_us > now_us) {
      decision.verdict = Verdict::kBanned;
      // Whole seconds left, rounded up: 300 right after a ban of 300 s.
      decision.retry_after_seconds = (it->second.banned_until_us - now_us + 999'999) / 1'000'000;
      return decision;
    }
  }
  if (request_rate_.Allow(client_ip, now_us)) return decision;
  decision.verdict = Verdict::kRateLimited;
  decision.retry_after_seconds = 1;
  decision.newly_banned = RecordViolation(client_ip, now_us);
  return decision;
}

bool ConnectionGuard::RecordViolation(const std::string& ip, int64_t now_us) {
  if (ban_us_ <= 0) return false;
  std::lock_guard lock(offenders_mu_);
  PurgeOffenders(now_us);
  auto it = offenders_.find(ip);
  if (it == offenders_.end()) {
    if (offenders_.size() >= kMaxTrackedIps) return false;
    it = offenders_.emplace(ip, Offender{}).first;
  }
  Offender& offender = it->second;
  offender.times_us[offender.next] = now_us;
  offender.next = (offender.next + 1) % kViolationsBeforeBan;
  if (offender.count < kViolationsBeforeBan) ++offender.count;
  // When the ring is full, `next` points at the oldest of the last kViolationsBeforeBan.
  if (offender.count < kViolationsBeforeBan || now_us - offender.times_us[offender.next] >= ban_us_) return false;
  offender.banned_until_us = now_us + ban_us_;
  // A fresh count after the ban: ten new violations are needed for the next one.
  offender.count = 0;
  offender.next = 0;
  return true;
}

void ConnectionGuard::PurgeOffenders(int64_t now_us) {
  const int64_t second = now_us / 1'000'000;
  if (second == last_purge_second_) return;
  last_purge_second_ = second;
  for (auto it = offenders_.begin(); it != offenders_.end();) {
    const Offender& o = it->second;
    const int64_t newest = o.count == 0 ? 0 : o.times_us[(o.next + kViolationsBeforeBan - 1) % kViolationsBeforeBan];
    if (o.banned_until_us <= now_us && now_us - newest >= ban_us_) {
      it = offenders_.erase(it);
    } else {
      ++it;
    }
  }
}

ConnectionGuard::ConnectionDecision ConnectionGuard::OpenConnection(const std::string& peer_ip, bool peer_loopback,
                                                                    bool exempt) {
  ConnectionDecision decision;
  decision.max = options_.max_connections_per_ip;
  if (exempt || Exempt(peer_loopback) || options_.max_connections_per_ip == 0) return decision;
  std::lock_guard lock(connections_mu_);
  auto it = connections_.find(peer_ip);
  const uint32_t open = it == connections_.end() ? 0 : it->second;
  if (open >= options_.max_connections_per_ip) {
    decision.admitted = false;
    decision.current = open;
    return decision;
  }
  // Beyond kMaxTrackedIps distinct addresses new ones go uncounted, like the rate maps.
  if (it == connections_.end() && connections_.size() >= kMaxTrackedIps) return decision;
  ++connections_[peer_ip];
  decision.slot = Slot(this, peer_ip);
  return decision;
}

void ConnectionGuard::CloseConnection(const std::string& ip) {
  std::lock_guard lock(connections_mu_);
  auto it = connections_.find(ip);
  if (it == connections_.end()) return;
  if (--it->second == 0) connections_.erase(it);
}

ConnectionGuard::Slot::Slot(Slot&& other) noexcept
    : guard_(std::exchange(other.guard_, nullptr)), ip_(std::move(other.ip_)) {}

ConnectionGuard::Slot& ConnectionGuard::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    guard_ = std::exchange(other.guard_, nullptr);
    ip_ = std::move(other.ip_);
  }
  return *this;
}

ConnectionGuard::Slot::~Slot() { Release(); }

void ConnectionGuard::Slot::Release() {
  if (guard_ != nullptr) std::exchange(guard_, nullptr)->CloseConnection(ip_);
}

}  // namespace kalam::api
