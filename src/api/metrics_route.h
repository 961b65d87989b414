#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "kalam/api/api_metrics.h"
#include "kalam/api/http_exchange.h"
#include "kalam/auth/auth_service.h"
#include "kalam/core/engine.h"
#include "kalam/live/live_query_manager.h"

namespace kalam::api {

// GET /metrics (docs/http-api.md): every figure in the Prometheus text format 0.0.4. Loopback
// clients are served without credentials; others only when security.metrics_allow_remote is
// on and they authenticate as an admin (Bearer or Basic). Runs on a worker: reading RocksDB
// properties and sizing the cold tier touch the disk. `engine`, `auth` and `metrics` must
// outlive it. Thread-safe.
class MetricsRoute {
 public:
  static constexpr std::string_view kPath = "/metrics";
  // The cold tier is sized by walking storage directories: at most once per this interval.
  static constexpr std::chrono::seconds kColdBytesRefresh{30};

  MetricsRoute(core::Engine& engine, auth::AuthService& auth, const ApiMetrics& metrics, bool allow_remote)
      : engine_(engine), auth_(auth), metrics_(metrics), allow_remote_(allow_remote) {}

  // `live` may be null (no live-query module): its figures are then 0.
  void Handle(const HttpRequest& request, const live::LiveQueryManager* live, HttpResponse& response);

 private:
  uint64_t ColdBytes();

  core::Engine& engine_;
  auth::AuthService& auth_;
  const ApiMetrics& metrics_;
  const bool allow_remote_;
  std::mutex cold_mu_;  // guards the two fields below
  uint64_t cold_bytes_ = 0;
  std::chrono::steady_clock::time_point cold_read_at_{};
};

}  // namespace kalam::api
