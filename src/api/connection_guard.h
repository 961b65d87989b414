#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kalam/api/api_service.h"
#include "kalam/auth/login_throttle.h"

namespace kalam::api {

// Connection protection of docs/http-api.md, applied before authentication: open
// connections per IP, requests per IP per second (fixed one-second windows) and bans of IPs
// that keep exceeding the request rate (kViolationsBeforeBan rejected requests within
// ban_duration_seconds). With `enabled` false every check passes; a limit of 0 disables that
// limit; loopback clients are exempt while `exempt_loopback` holds.
//
// Memory stays bounded: the request-rate windows are purged each second (auth::RateLimiter),
// violation records are purged once they are older than the ban duration and not banned, and
// both maps stop tracking new IPs beyond kMaxTrackedIps (a flood from that many addresses is
// beyond what per-IP limits can stop). Connection counts are erased when they reach 0.
//
// Thread-safe: each map has its own mutex; no call blocks on anything but those.
class ConnectionGuard {
 public:
  static constexpr uint32_t kViolationsBeforeBan = 10;
  static constexpr size_t kMaxTrackedIps = 100'000;

  explicit ConnectionGuard(const ProtectionOptions& options);

  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  enum class Verdict { kAllowed, kRateLimited, kBanned };
  struct RequestDecision {
    Verdict verdict = Verdict::kAllowed;
    int64_t retry_after_seconds = 0;
    bool newly_banned = false;  // this request's violation started the ban
  };
  // One request from `client_ip` at `now_us`.
  RequestDecision CheckRequest(const std::string& client_ip, bool client_loopback, int64_t now_us);

  // An admitted connection; releases its place when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

   private:
    friend class ConnectionGuard;
    Slot(ConnectionGuard* guard, std::string ip) : guard_(guard), ip_(std::move(ip)) {}
    void Release();

    ConnectionGuard* guard_ = nullptr;  // null when nothing to release
    std::string ip_;
  };

  struct ConnectionDecision {
    bool admitted = true;
    uint32_t current = 0;  // connections already open from that IP when refused
    uint32_t max = 0;
    Slot slot;
  };
  // A new TCP connection from `peer_ip`. `exempt` peers (trusted proxies, which carry many
  // clients on their connections) are not counted.
  ConnectionDecision OpenConnection(const std::string& peer_ip, bool peer_loopback, bool exempt);

  const ProtectionOptions& options() const { return options_; }

 private:
  // The last kViolationsBeforeBan violation times of one IP (a ring) and its ban.
  struct Offender {
    std::array<int64_t, kViolationsBeforeBan> times_us{};
    uint32_t count = 0;  // entries of times_us in use
    uint32_t next = 0;   // ring position of the next write
    int64_t banned_until_us = 0;
  };

  bool Exempt(bool loopback) const { return !options_.enabled || (loopback && options_.exempt_loopback); }
  // Records one rejected request; returns true when it starts a ban.
  bool RecordViolation(const std::string& ip, int64_t now_us);
  void PurgeOffenders(int64_t now_us);  // requires offenders_mu_
  void CloseConnection(const std::string& ip);

  const ProtectionOptions options_;
  const int64_t ban_us_;
  auth::RateLimiter request_rate_;

  std::mutex offenders_mu_;  // guards offenders_, last_purge_second_
  std::unordered_map<std::string, Offender> offenders_;
  int64_t last_purge_second_ = 0;

  std::mutex connections_mu_;  // guards connections_
  std::unordered_map<std::string, uint32_t> connections_;
};

}  // namespace kalam::api
