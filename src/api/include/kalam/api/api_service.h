#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kalam/api/api_metrics.h"
#include "kalam/api/http_exchange.h"
#include "kalam/api/ip_range.h"
#include "kalam/api/request_limits.h"
#include "kalam/api/websocket_options.h"
#include "kalam/api/worker_pool.h"
#include "kalam/auth/auth_service.h"
#include "kalam/auth/login_throttle.h"
#include "kalam/core/engine.h"
#include "kalam/live/live_query_manager.h"

namespace kalam::api {

class AuthRoutes;
class ConnectionGuard;
class CorsPolicy;
class MetricsRoute;
class ExportRoute;

// Connection protection (docs/http-api.md, `[rate_limit]`). A limit of 0 disables that limit.
struct ProtectionOptions {
  bool enabled = true;          // enable_connection_protection
  bool exempt_loopback = true;  // loopback clients skip every check below
  uint32_t max_connections_per_ip = 100;
  uint32_t max_requests_per_ip_per_sec = 200;
  uint32_t ban_duration_seconds = 300;
};

struct ApiOptions {
  RequestLimits limits;
  std::string version = KALAMDB_VERSION;
  std::string build_date;
  ProtectionOptions protection;
  uint32_t max_queries_per_sec = 1000;            // per user on the SQL endpoint; 0 = off
  std::vector<std::string> cors_allowed_origins;  // empty = any origin
  std::vector<IpRange> trusted_proxies;           // security.trusted_proxy_ranges
  bool cookie_secure = true;                      // auth.cookie_secure
  bool allow_remote_setup = false;                // auth.allow_remote_setup
  int64_t slow_request_threshold_ms = 1200;       // logging.slow_query_threshold_ms; 0 = off
  WebSocketOptions websocket;
  std::string public_origin;  // server.public_origin: the base of SUBSCRIBE TO's ws_url
  bool metrics_allow_remote = false;  // security.metrics_allow_remote: admins may scrape from afar
};

// The HTTP routes of docs/http-api.md: health, the SQL endpoint and the auth routes, with
// CORS, request ids, connection protection and the access log around them. The HTTP server
// calls Prepare and Screen on its I/O thread (cheap, never block), then Handle and Finish on
// a worker.
// `engine` and `auth` must outlive it. Thread-safe.
class ApiService {
 public:
  ApiService(core::Engine& engine, auth::AuthService& auth, ApiOptions options);
  ~ApiService();

  // Fills the request's id and client fields (HttpRequest) from its headers and TCP peer.
  // Called first for every request.
  void Prepare(HttpRequest& request) const;
  // Applies the per-IP request rate and bans to a prepared request. Returns true when
  // `response` is already the final answer (429), which the caller completes with
  // FinishRejected.
  bool Screen(const HttpRequest& request, HttpResponse& response);
  // Counts the password attempt of the request's Authorization header against the per-IP auth
  // rate as it arrives, before it waits for a worker (and bcrypt). True when `response` is
  // already the answer (429).
  bool AdmitAuth(HttpRequest& request, HttpResponse& response);
  // Whether Handle answers `request` without SQL, bcrypt or disk (health, CORS preflights),
  // so the I/O thread may run it itself.
  static bool RunsOnIoThread(const HttpRequest& request);
  // The worker-pool fairness key of a prepared request (after AdmitAuth): the user its
  // Authorization header claims, with the client address (so claiming someone else's name only
  // queues behind oneself), or the client address alone; requests that need a password check
  // share one key per client address. Cheap: nothing is verified here.
  std::string FairnessKey(const HttpRequest& request) const;
  // The answer when the worker pool did not take a request: 429 when the caller's own queue is
  // full, 503 when the whole pool is (or it stopped).
  static void Overloaded(Admission admission, const WorkerPoolOptions& pool, HttpResponse& response);
  // Routes the request. Runs on a worker thread: may execute SQL and hash passwords.
  void Handle(const HttpRequest& request, ConnectionState& connection, HttpResponse& response);
  // Adds X-Request-ID and CORS headers and writes the access-log line (info; warn when slow).
  void Finish(const HttpRequest& request, HttpResponse& response, std::chrono::steady_clock::time_point start);
  // The same for answers given by connection protection or the body limit: the log line is
  // at debug level, so a flood cannot turn into a flood of log lines.
  void FinishRejected(const HttpRequest& request, HttpResponse& response,
                      std::chrono::steady_clock::time_point start);

  // 413 BODY_TOO_LARGE and 503 TOO_MANY_CONNECTIONS (docs/http-api.md); both close.
  HttpResponse BodyTooLarge(size_t size, size_t max) const;
  HttpResponse TooManyConnections(uint32_t current, uint32_t max) const;

  // The WebSocket route's checks before upgrading (docs/live-queries.md): shutting down → 503, an
  // Origin that CORS does not allow → 403, an Authorization header that fails → docs/http-api.md. True when
  // the upgrade may go ahead; `*identity` is then set if a header authenticated the caller.
  // False: `response` is the refusal.
  bool CheckWebSocketUpgrade(const HttpRequest& request, bool shutting_down, HttpResponse& response,
                             std::optional<auth::Identity>* identity);
  static bool IsWebSocketPath(std::string_view path) { return path == "/v1/ws" || path == "/ws"; }
  // The WebSocket URL clients are pointed to (docs/sql-reference.md): server.public_origin with a
  // ws/wss scheme, else ws://<Host>/v1/ws.
  std::string WebSocketUrl(const HttpRequest& request) const;

  // Live queries behind the WebSocket route; null answers the route with 503.
  void SetLiveQueries(live::LiveQueryManager* live) { live_ = live; }
  live::LiveQueryManager* live() const { return live_; }
  auth::AuthService& auth() { return auth_; }

  ConnectionGuard& guard() { return *guard_; }
  // Request figures for GET /metrics; the HTTP server records its connections here.
  ApiMetrics& metrics() { return metrics_; }
  const ApiOptions& options() const { return options_; }

 private:
  void Health(const HttpRequest& request, HttpResponse& response) const;
  void Sql(const HttpRequest& request, ConnectionState& connection, HttpResponse& response);

  core::Engine& engine_;
  auth::AuthService& auth_;
  ApiOptions options_;
  std::unique_ptr<ConnectionGuard> guard_;
  std::unique_ptr<CorsPolicy> cors_;
  std::unique_ptr<AuthRoutes> auth_routes_;
  auth::RateLimiter query_rate_;  // per user id, max_queries_per_sec
  live::LiveQueryManager* live_ = nullptr;
  ApiMetrics metrics_;
  std::unique_ptr<MetricsRoute> metrics_route_;
  std::unique_ptr<ExportRoute> export_route_;
};

}  // namespace kalam::api
