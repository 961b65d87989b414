#include "kalam/api/api_service.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "auth_routes.h"
#include "connection_guard.h"
#include "cors.h"
#include "export_route.h"
#include "json_error.h"
#include "metrics_route.h"
#include "kalam/commons/json_writer.h"
#include "kalam/api/result_encoder.h"
#include "kalam/api/sql_request.h"
#include "kalam/auth/base64.h"
#include "kalam/commons/clock.h"
#include "kalam/core/session.h"
#include "request_log.h"

namespace kalam::api {
namespace {

// An answer this large leaves its rows' memory cached in the allocators when dropped.
constexpr size_t kLargeAnswerBytes = 16u << 20;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}


ApiError FromAuthError(const auth::AuthError& error) {
  switch (error.failure) {
    case auth::AuthFailure::kMissing:
      return MakeApiError(ApiErrorCode::kMissingAuthorization, "Authentication required");
    case auth::AuthFailure::kTokenExpired:
      return MakeApiError(ApiErrorCode::kTokenExpired, "Token expired");
    case auth::AuthFailure::kAccountLocked:
      return MakeApiError(ApiErrorCode::kAccountLocked, error.message);
    case auth::AuthFailure::kRateLimited:
      return MakeApiError(ApiErrorCode::kRateLimitExceeded, "Too many authentication attempts");
    case auth::AuthFailure::kSetupRequired:
    case auth::AuthFailure::kInvalidCredentials:
      return MakeApiError(ApiErrorCode::kInvalidCredentials, "Invalid credentials");
  }
  return MakeApiError(ApiErrorCode::kInvalidCredentials, "Invalid credentials");
}

auth::RateCharge Charge(const HttpRequest& request) {
  return request.auth_charged ? auth::RateCharge::kAlreadyCharged : auth::RateCharge::kCharge;
}

bool IsSqlPath(std::string_view path) { return path == "/v1/api/sql" || path == "/api/sql"; }
bool IsHealthPath(std::string_view path) { return path == "/health" || path == "/v1/api/healthcheck"; }

// The first address of a forwarding header that parses, scanning X-Forwarded-For from the
// right: entries appended by our own trusted proxies are skipped, so the nearest address that
// is not one of them is the client (the left-most ones are whatever the client claimed).
std::optional<IpAddress> ForwardedClient(const HttpRequest& request, const std::vector<IpRange>& trusted) {
  std::string_view forwarded = request.Header("x-forwarded-for");
  std::optional<IpAddress> client;
  while (!forwarded.empty()) {
    const size_t comma = forwarded.rfind(',');
    std::string_view item = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
    forwarded = comma == std::string_view::npos ? std::string_view() : forwarded.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto address = IpAddress::Parse(item);
    if (!address) return client;  // garbage: trust nothing further left
    client = address;
    if (!InAnyRange(trusted, *address)) return client;
  }
  if (client) return client;
  return IpAddress::Parse(request.Header("x-real-ip"));
}

// `error` must be a string literal: the trace keeps a view of it.
void RateLimitBody(HttpResponse& response, std::string_view error, std::string_view message, int64_t retry_after) {
  response.status = 429;
  response.trace.error = error;
  response.headers.emplace_back("Retry-After", std::to_string(retry_after));
  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("error").String(error).Key("message").String(message);
  json.Key("retry_after_seconds").Int(retry_after).EndObject();
}

// The answer to a request whose credentials were refused, as the SQL endpoint gives it.
void AuthFailed(const ApiError& error, HttpResponse& response) {
  response.status = error.http_status;
  if (error.http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kalamdb\"");
  if (error.http_status == 429) response.headers.emplace_back("Retry-After", "1");
  response.body.clear();
  response.trace.error = ApiErrorCodeName(error.code);
  EncodeSqlError(error, 0.0, &response.body);
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

std::string_view HttpRequest::Cookie(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semicolon = rest.find(';');
      std::string_view pair = rest.substr(0, semicolon);
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view cookie = pair.substr(eq + 1);
      while (!cookie.empty() && cookie.back() == ' ') cookie.remove_suffix(1);
      if (cookie.size() >= 2 && cookie.front() == '"' && cookie.back() == '"') {
        cookie = cookie.substr(1, cookie.size() - 2);
      }
      return cookie;
    }
  }
  return {};
}

ApiService::ApiService(core::Engine& engine, auth::AuthService& auth, ApiOptions options)
    : engine_(engine),
      auth_(auth),
      options_(std::move(options)),
      guard_(std::make_unique<ConnectionGuard>(options_.protection)),
      cors_(std::make_unique<CorsPolicy>(options_.cors_allowed_origins)),
      auth_routes_(std::make_unique<AuthRoutes>(
          auth, AuthRouteOptions{options_.cookie_secure, options_.allow_remote_setup,
                                 [&engine](AuditEntry entry) { engine.RecordAudit(std::move(entry)); }})),
      query_rate_(options_.max_queries_per_sec),
      metrics_route_(std::make_unique<MetricsRoute>(engine, auth, metrics_, options_.metrics_allow_remote)),
      export_route_(std::make_unique<ExportRoute>(engine)) {}

ApiService::~ApiService() = default;

HttpResponse ApiService::BodyTooLarge(size_t size, size_t max) const {
  HttpResponse response;
  response.status = 413;
  response.close = true;
  response.trace.error = "BODY_TOO_LARGE";
  response.body = "{\"error\":\"BODY_TOO_LARGE\",\"message\":\"Request body exceeds the limit of " +
                  std::to_string(max) + " bytes\",\"size_bytes\":" + std::to_string(size) +
                  ",\"max_bytes\":" + std::to_string(max) + "}";
  return response;
}

HttpResponse ApiService::TooManyConnections(uint32_t current, uint32_t max) const {
  HttpResponse response;
  response.status = 503;
  response.close = true;
  response.trace.error = "TOO_MANY_CONNECTIONS";
  response.headers.emplace_back("Retry-After", "5");
  response.body = "{\"error\":\"TOO_MANY_CONNECTIONS\",\"message\":\"Too many open connections from your IP address\","
                  "\"current\":" + std::to_string(current) + ",\"max\":" + std::to_string(max) + "}";
  return response;
}

void ApiService::Prepare(HttpRequest& request) const {
  request.request_id = AcceptOrGenerateRequestId(request.Header("x-request-id"));
  request.client_ip = request.peer_ip;
  request.client_loopback = request.peer_loopback;
  request.https = request.peer_tls;
  if (options_.trusted_proxies.empty()) return;
  const auto peer = IpAddress::Parse(request.peer_ip);
  if (peer && InAnyRange(options_.trusted_proxies, *peer)) {
    if (auto client = ForwardedClient(request, options_.trusted_proxies)) {
      request.client_ip = client->ToString();
      request.client_loopback = client->is_loopback();
    }
    std::string proto(request.Header("x-forwarded-proto"));
    for (char& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.https = request.peer_tls || proto == "https";
  }
}

bool ApiService::Screen(const HttpRequest& request, HttpResponse& response) {
  const auto decision = guard_->CheckRequest(request.client_ip, request.client_loopback, NowMicros());
  switch (decision.verdict) {
    case ConnectionGuard::Verdict::kAllowed:
      return false;
    case ConnectionGuard::Verdict::kRateLimited:
      if (decision.newly_banned) {
        spdlog::warn("banned ip={} for {}s after {} rate-limit violations", LogSafe(request.client_ip),
                     options_.protection.ban_duration_seconds, ConnectionGuard::kViolationsBeforeBan);
      }
      RateLimitBody(response, "RATE_LIMIT_EXCEEDED", "Too many requests from your IP address", 1);
      return true;
    case ConnectionGuard::Verdict::kBanned:
      RateLimitBody(response, "IP_BANNED", "Your IP address is temporarily banned after repeated rate-limit violations",
                    decision.retry_after_seconds);
      return true;
  }
  return false;
}

bool ApiService::AdmitAuth(HttpRequest& request, HttpResponse& response) {
  const std::string_view authorization = request.Header("authorization");
  if (authorization.empty()) return false;
  if (auto error = auth_.AdmitHeader(authorization, request.client_ip, NowMicros(), &request.password_check)) {
    const ApiError api_error = FromAuthError(*error);
    response.status = api_error.http_status;
    if (api_error.http_status == 429) response.headers.emplace_back("Retry-After", "1");
    response.body.clear();
    response.trace.error = ApiErrorCodeName(api_error.code);
    EncodeSqlError(api_error, 0.0, &response.body);
    return true;
  }
  request.auth_charged = true;
  return false;
}

bool ApiService::RunsOnIoThread(const HttpRequest& request) {
  return request.method == "OPTIONS" || IsHealthPath(request.path);
}

std::string ApiService::FairnessKey(const HttpRequest& request) const {
  // Password checks cost a bcrypt each: all of one client address share one key, so naming a
  // new user for every attempt does not earn a new allowance of workers.
  if (request.password_check || AuthRoutes::TakesPassword(request.path)) return "pw@" + request.client_ip;
  std::string key;
  std::string_view authorization = request.Header("authorization");
  constexpr std::string_view kBasic = "Basic ";
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBasic.size() && authorization.substr(0, kBasic.size()) == kBasic) {
    if (auto decoded = auth::Base64Decode(authorization.substr(kBasic.size()))) {
      key = "u:" + decoded->substr(0, decoded->find(':'));
    }
  } else if (authorization.size() > kBearer.size() && authorization.substr(0, kBearer.size()) == kBearer) {
    // The claims part of the token, unverified: one key per user and client for any of its
    // tokens. Forging it gains nothing, since the client address is part of the key.
    std::string_view token = authorization.substr(kBearer.size());
    const size_t first = token.find('.');
    const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second != std::string_view::npos) {
      if (auto claims = auth::Base64UrlDecode(token.substr(first + 1, second - first - 1))) {
        const size_t sub = claims->find("\"sub\":\"");
        if (sub != std::string::npos) {
          const size_t begin = sub + 7;
          key = "u:" + claims->substr(begin, claims->find('"', begin) - begin);
        }
      }
    }
  }
  key += "@";
  key += request.client_ip;
  return key;
}

void ApiService::Overloaded(Admission admission, const WorkerPoolOptions& pool, HttpResponse& response) {
  response = HttpResponse{};
  switch (admission) {
    case Admission::kKeyQueueFull:
      response.headers.emplace_back("Retry-After", "1");
      JsonError(response, 429, "RATE_LIMIT_EXCEEDED",
                "Too many concurrent requests: at most " + std::to_string(pool.max_running_per_key) +
                    " run and " + std::to_string(pool.max_queued_per_key) +
                    " wait per user (limits.max_concurrent_statements_per_user, "
                    "limits.max_queued_statements_per_user)");
      return;
    case Admission::kPoolQueueFull:
      response.headers.emplace_back("Retry-After", "1");
      JsonError(response, 503, "SERVER_BUSY",
                "Server busy: " + std::to_string(pool.max_queued_total) +
                    " requests are waiting (limits.max_queued_statements)");
      return;
    case Admission::kStopped:
    case Admission::kAccepted:
      JsonError(response, 503, "SERVICE_UNAVAILABLE", "Server is shutting down");
      response.close = true;
      return;
  }
}

void ApiService::Handle(const HttpRequest& request, ConnectionState& connection, HttpResponse& response) {
  if (request.method == "OPTIONS") return cors_->Preflight(request, response);
  if (IsHealthPath(request.path)) {
    if (request.method != "GET") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use GET");
    return Health(request, response);
  }
  if (IsSqlPath(request.path)) {
    if (request.method != "POST") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use POST");
    return Sql(request, connection, response);
  }
  if (AuthRoutes::Handles(request.path)) return auth_routes_->Handle(request, response);
  if (request.path == MetricsRoute::kPath) {
    if (request.method != "GET") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use GET");
    return metrics_route_->Handle(request, live_, response);
  }
  if (request.path == ExportRoute::kPath) {
    if (request.method != "POST") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use POST");
    auth::AuthOutcome outcome =
        auth_.AuthenticateHeader(request.Header("authorization"), request.client_ip, NowMicros(), Charge(request));
    if (const auto* error = std::get_if<auth::AuthError>(&outcome)) return AuthFailed(FromAuthError(*error), response);
    return export_route_->Handle(request, std::get<auth::Identity>(outcome), response);
  }
  JsonError(response, 404, "NOT_FOUND", "No route for " + request.method + " " + request.path);
}

void ApiService::Finish(const HttpRequest& request, HttpResponse& response,
                        std::chrono::steady_clock::time_point start) {
  response.headers.emplace_back("X-Request-ID", request.request_id);
  cors_->Decorate(request, response);
  const double millis = MillisSince(start);
  metrics_.Record(MetricRouteOf(request.path), response.trace.statement, response.status, response.trace.error,
                  static_cast<int64_t>(millis * 1000));
  const RequestTrace& trace = response.trace;
  // The arguments cost allocations; skip them when the line would be dropped anyway.
  if (spdlog::should_log(spdlog::level::info)) {
    spdlog::info("request id={} client={} method={} path={} status={} user={} statements={} duration_ms={:.3f}",
                 request.request_id, LogSafe(request.client_ip), LogSafe(request.method, 16), LogSafe(request.path),
                 response.status, trace.user.empty() ? "-" : LogSafe(trace.user),
                 trace.statements.empty() ? "-" : trace.statements, millis);
  }
  if (options_.slow_request_threshold_ms > 0 && millis > static_cast<double>(options_.slow_request_threshold_ms)) {
    spdlog::warn("slow request id={} path={} user={} statements={} duration_ms={:.3f} threshold_ms={}",
                 request.request_id, LogSafe(request.path), trace.user.empty() ? "-" : LogSafe(trace.user),
                 trace.statements.empty() ? "-" : trace.statements, millis, options_.slow_request_threshold_ms);
  }
}

void ApiService::FinishRejected(const HttpRequest& request, HttpResponse& response,
                                std::chrono::steady_clock::time_point start) {
  response.headers.emplace_back("X-Request-ID", request.request_id);
  cors_->Decorate(request, response);
  metrics_.Record(MetricRouteOf(request.path), response.trace.statement, response.status, response.trace.error,
                  static_cast<int64_t>(MillisSince(start) * 1000));
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("request id={} client={} method={} path={} status={} rejected=true duration_ms={:.3f}",
                  request.request_id, LogSafe(request.client_ip), LogSafe(request.method, 16), LogSafe(request.path),
                  response.status, MillisSince(start));
  }
}

void ApiService::Health(const HttpRequest& request, HttpResponse& response) const {
  // The client as resolved by Screen: forwarding headers count only from trusted proxies.
  if (!request.client_loopback) {
    response.status = 403;
    response.body = "{\"error\":\"Access denied. Health endpoint is localhost-only.\"}";
    return;
  }
  response.body = "{\"status\":\"healthy\",\"version\":";
  AppendJsonString(options_.version, &response.body);
  response.body += ",\"api_version\":\"v1\",\"build_date\":";
  AppendJsonString(options_.build_date, &response.body);
  response.body += "}";
}

std::string ApiService::WebSocketUrl(const HttpRequest& request) const {
  const std::string& origin = options_.public_origin;
  if (origin.rfind("https://", 0) == 0) return "wss://" + origin.substr(8) + "/v1/ws";
  if (origin.rfind("http://", 0) == 0) return "ws://" + origin.substr(7) + "/v1/ws";
  if (!origin.empty()) return origin + "/v1/ws";
  return (request.https ? "wss://" : "ws://") + std::string(request.Header("host")) + "/v1/ws";
}

bool ApiService::CheckWebSocketUpgrade(const HttpRequest& request, bool shutting_down, HttpResponse& response,
                                       std::optional<auth::Identity>* identity) {
  if (shutting_down || live_ == nullptr) {
    JsonError(response, 503, "SERVICE_UNAVAILABLE", "Server is shutting down");
    return false;
  }
  const std::string_view origin = request.Header("origin");
  if (!origin.empty() && !cors_->OriginAllowed(origin)) {
    JsonError(response, 403, "FORBIDDEN", "Origin not allowed");
    return false;
  }
  if (request.Header("authorization").empty()) return true;
  auth::AuthOutcome outcome = auth_.AuthenticateHeader(request.Header("authorization"), request.client_ip, NowMicros(),
                                                       Charge(request));
  if (const auto* error = std::get_if<auth::AuthError>(&outcome)) {
    const ApiError api_error = FromAuthError(*error);
    response.status = api_error.http_status;
    if (api_error.http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kalamdb\"");
    if (api_error.http_status == 429) response.headers.emplace_back("Retry-After", "1");
    response.body.clear();
    response.trace.error = ApiErrorCodeName(api_error.code);
    EncodeSqlError(api_error, 0.0, &response.body);
    return false;
  }
  *identity = std::get<auth::Identity>(outcome);
  response.trace.user = (*identity)->user.str();
  return true;
}

void ApiService::Sql(const HttpRequest& request, ConnectionState& connection, HttpResponse& response) {
  const auto start = std::chrono::steady_clock::now();
  auto fail = [&](const ApiError& error) {
    response.status = error.http_status;
    if (error.http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kalamdb\"");
    if (error.http_status == 429) response.headers.emplace_back("Retry-After", "1");
    response.body.clear();
    response.trace.error = ApiErrorCodeName(error.code);
    EncodeSqlError(error, MillisSince(start), &response.body);
  };

  const int64_t now_us = NowMicros();
  auth::AuthOutcome outcome =
      auth_.AuthenticateHeader(request.Header("authorization"), request.client_ip, now_us, Charge(request));
  if (const auto* error = std::get_if<auth::AuthError>(&outcome)) return fail(FromAuthError(*error));
  const auth::Identity& identity = std::get<auth::Identity>(outcome);
  response.trace.user = identity.user.str();

  // Step 2 of the request checks (docs/http-api.md): the per-user query rate, after auth and before the body is looked at.
  if (!query_rate_.Allow(identity.user.str(), now_us)) {
    return fail(MakeApiError(ApiErrorCode::kRateLimitExceeded,
                             "Too many queries: at most " + std::to_string(options_.max_queries_per_sec) +
                                 " per second per user"));
  }

  ApiResult<SqlRequest> parsed = ParseSqlRequest(request.body, options_.limits);
  if (!parsed.ok()) return fail(parsed.error());
  SqlRequest& sql = parsed.value();
  response.trace.statement = StatementKindOf(sql.sql);
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("sql id={} user={} text={}", request.request_id, LogSafe(identity.user.str()),
                  SqlForDebugLog(sql.sql));
  }

  if (!connection.session || connection.session_user != identity.user ||
      connection.session->role() != identity.role) {
    connection.session = engine_.CreateSession(identity.user, identity.role);
    connection.session_user = identity.user;
  }
  core::Session& session = *connection.session;
  session.set_current_namespace(NamespaceId(sql.namespace_id));
  session.set_live_url(WebSocketUrl(request));
  session.set_client(request.client_ip, request.request_id);
  // A client that hung up while the request waited for a worker gets nothing run for it.
  if (!connection.presence->BeginStatement(&session)) {
    response.close = true;
    return fail(MakeApiError(ApiErrorCode::kSqlExecutionError, "the client went away"));
  }
  core::ExecutionOutcome result = engine_.Execute(session, sql.sql, sql.params);
  connection.presence->EndStatement();
  // The statement kinds cost a pass over the text: only for a line that will be written.
  const int64_t slow_ms = options_.slow_request_threshold_ms;
  if (spdlog::should_log(spdlog::level::info) ||
      (slow_ms > 0 && MillisSince(start) > static_cast<double>(slow_ms) && spdlog::should_log(spdlog::level::warn))) {
    response.trace.statements = StatementKinds(sql.sql);
  }
  if (!result.ok()) return fail(ErrorFromOutcome(result, IsAdmin(identity.role)));
  response.body.clear();
  auto too_large = EncodeSqlSuccess(result, MillisSince(start), &response.body, engine_.config().max_answer_bytes);
  // The rows of a large answer outlive Execute (which released what it could): drop them
  // now and give their memory back, or the process keeps its largest answer's peak.
  const bool large = response.body.size() >= kLargeAnswerBytes;
  result = core::ExecutionOutcome();
  if (large) core::Engine::ReleaseFreeMemory();
  if (too_large) {
    response.body = std::string();  // give the partial body's memory back before answering
    return fail(*too_large);
  }
}

}  // namespace kalam::api
