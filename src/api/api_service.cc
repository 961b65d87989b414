#include "kalam/api/api_service.h"

#include <chrono>

#include "kalam/api/json_writer.h"
#include "kalam/api/result_encoder.h"
#include "kalam/api/sql_request.h"
#include "kalam/commons/clock.h"
#include "kalam/core/session.h"

namespace kalam::api {
namespace {

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void JsonError(HttpResponse& response, int status, std::string_view error, std::string_view message) {
  response.status = status;
  response.body.clear();
  response.body += "{\"error\":";
  AppendJsonString(error, &response.body);
  response.body += ",\"message\":";
  AppendJsonString(message, &response.body);
  response.body += "}";
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

bool IsSqlPath(std::string_view path) { return path == "/v1/api/sql" || path == "/api/sql"; }
bool IsHealthPath(std::string_view path) { return path == "/health" || path == "/v1/api/healthcheck"; }

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

ApiService::ApiService(core::Engine& engine, auth::AuthService& auth, ApiOptions options)
    : engine_(engine), auth_(auth), options_(std::move(options)) {}

HttpResponse ApiService::BodyTooLarge(size_t size, size_t max) const {
  HttpResponse response;
  response.status = 413;
  response.close = true;
  response.body = "{\"error\":\"BODY_TOO_LARGE\",\"message\":\"Request body exceeds the limit of " +
                  std::to_string(max) + " bytes\",\"size_bytes\":" + std::to_string(size) +
                  ",\"max_bytes\":" + std::to_string(max) + "}";
  return response;
}

void ApiService::Handle(const HttpRequest& request, ConnectionState& connection, HttpResponse& response) {
  if (IsHealthPath(request.path)) {
    if (request.method != "GET") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use GET");
    return Health(request, response);
  }
  if (IsSqlPath(request.path)) {
    if (request.method != "POST") return JsonError(response, 405, "METHOD_NOT_ALLOWED", "Use POST");
    return Sql(request, connection, response);
  }
  JsonError(response, 404, "NOT_FOUND", "No route for " + request.method + " " + request.path);
}

void ApiService::Health(const HttpRequest& request, HttpResponse& response) const {
  // Only the TCP peer counts: forwarding headers from a remote peer are not trusted.
  if (!request.peer_loopback) {
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

void ApiService::Sql(const HttpRequest& request, ConnectionState& connection, HttpResponse& response) {
  const auto start = std::chrono::steady_clock::now();
  auto fail = [&](const ApiError& error) {
    response.status = error.http_status;
    if (error.http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kalamdb\"");
    response.body.clear();
    EncodeSqlError(error, MillisSince(start), &response.body);
  };

  auth::AuthOutcome outcome = auth_.AuthenticateHeader(request.Header("authorization"), request.peer_ip, NowMicros());
  if (const auto* error = std::get_if<auth::AuthError>(&outcome)) return fail(FromAuthError(*error));
  const auth::Identity& identity = std::get<auth::Identity>(outcome);

  ApiResult<SqlRequest> parsed = ParseSqlRequest(request.body, options_.limits);
  if (!parsed.ok()) return fail(parsed.error());
  SqlRequest& sql = parsed.value();

  if (!connection.session || connection.session_user != identity.user ||
      connection.session->role() != identity.role) {
    connection.session = engine_.CreateSession(identity.user, identity.role);
    connection.session_user = identity.user;
  }
  core::Session& session = *connection.session;
  session.set_current_namespace(NamespaceId(sql.namespace_id));
  core::ExecutionOutcome result = engine_.Execute(session, sql.sql, sql.params);
  if (!result.ok()) return fail(ErrorFromOutcome(result, IsAdmin(identity.role)));
  response.body.clear();
  EncodeSqlSuccess(result, MillisSince(start), &response.body);
}

}  // namespace kalam::api
