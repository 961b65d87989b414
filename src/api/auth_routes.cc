#include "auth_routes.h"

#include <simdjson.h>
#include <time.h>

#include <optional>
#include <string>
#include <utility>

#include "kalam/commons/json_writer.h"
#include "kalam/auth/jwt.h"
#include "kalam/auth/password_policy.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/commons/role.h"

namespace kalam::api {
namespace {

constexpr std::string_view kLogin = "/v1/api/auth/login";
constexpr std::string_view kRefresh = "/v1/api/auth/refresh";
constexpr std::string_view kLogout = "/v1/api/auth/logout";
constexpr std::string_view kMe = "/v1/api/auth/me";
constexpr std::string_view kStatus = "/v1/api/auth/status";
constexpr std::string_view kSetup = "/v1/api/auth/setup";

constexpr size_t kMaxUserBytes = 128;
constexpr size_t kMaxPasswordBytes = 256;
constexpr size_t kMaxEmailBytes = 256;
constexpr std::string_view kNeedsRefreshToken = "Refresh endpoint requires a refresh token";

// `kind` must be a string literal: the trace keeps a view of it.
void ErrorBody(HttpResponse& response, int status, std::string_view kind, std::string_view message) {
  response.status = status;
  response.trace.error = kind;
  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("error").String(kind).Key("message").String(message).EndObject();
}

// An AuthService refusal in the auth routes' terms (docs/http-api.md).
void Refuse(HttpResponse& response, const auth::AuthError& error) {
  switch (error.failure) {
    case auth::AuthFailure::kAccountLocked:
      return ErrorBody(response, 401, "account_locked", error.message);
    case auth::AuthFailure::kRateLimited:
      response.headers.emplace_back("Retry-After", "1");
      return ErrorBody(response, 429, "rate_limited", "Too many authentication attempts");
    case auth::AuthFailure::kSetupRequired:
      return ErrorBody(response, 428, "setup_required",
                       "Server setup required: complete it with POST /v1/api/auth/setup");
    case auth::AuthFailure::kTokenExpired:
      return ErrorBody(response, 401, "unauthorized", "Token expired");
    case auth::AuthFailure::kMissing:
      return ErrorBody(response, 401, "unauthorized", "Authentication required");
    case auth::AuthFailure::kInvalidCredentials:
      break;
  }
  ErrorBody(response, 401, "unauthorized", "Invalid credentials");
}

// "2026-05-01T10:00:00+00:00": whole seconds, UTC.
std::string Rfc3339(int64_t micros) {
  const time_t seconds = static_cast<time_t>(micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const size_t n = strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return std::string(buffer, n);
}

void WriteUser(const UserRecord& user, JsonWriter& json) {
  json.StartObject();
  json.Key("id").String(user.id.str());
  json.Key("role").String(RoleName(user.role));
  json.Key("email");
  if (user.email) {
    json.String(*user.email);
  } else {
    json.Null();
  }
  json.Key("created_at").String(Rfc3339(user.created_at_us));
  json.Key("updated_at").String(Rfc3339(user.updated_at_us));
  json.EndObject();
}

std::string SetCookieValue(std::string_view name, std::string_view value, int64_t max_age_seconds, bool secure) {
  std::string cookie(name);
  cookie += "=";
  cookie += value;
  cookie += "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(std::max<int64_t>(0, max_age_seconds));
  if (max_age_seconds <= 0) cookie += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  if (secure) cookie += "; Secure";
  return cookie;
}

// The token of "Bearer <token>", or empty for any other value.
std::string_view BearerToken(std::string_view authorization) {
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  if (authorization.size() < 7) return {};
  for (size_t i = 0; i < 6; ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != "bearer"[i]) return {};
  }
  if (authorization[6] != ' ') return {};
  authorization.remove_prefix(7);
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  return authorization;
}

// The members of a JSON object body, as strings; a member that is null counts as absent.
// Returns the bad_request message on failure.
struct BodyField {
  std::string_view name;
  std::optional<std::string>* value;
};
std::optional<std::string> ReadStringFields(std::string_view body, std::initializer_list<BodyField> fields,
                                            bool reject_unknown) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return "Invalid JSON body";
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return "Expected a JSON object";
  for (simdjson::dom::key_value_pair member : object) {
    const BodyField* field = nullptr;
    for (const BodyField& f : fields) {
      if (member.key == f.name) field = &f;
    }
    if (field == nullptr) {
      if (reject_unknown) return "Unexpected field '" + std::string(member.key.substr(0, 64)) + "'";
      continue;
    }
    if (field->value->has_value()) return "Duplicate field '" + std::string(field->name) + "'";
    if (member.value.is_null()) continue;
    std::string_view text;
    if (member.value.get_string().get(text) != simdjson::SUCCESS) {
      return "Field '" + std::string(field->name) + "' must be a string";
    }
    field->value->emplace(text);
  }
  return std::nullopt;
}

bool MethodIs(const HttpRequest& request, std::string_view method, HttpResponse& response) {
  if (request.method == method) return true;
  response.status = 405;
  response.trace.error = "METHOD_NOT_ALLOWED";
  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("error").String("METHOD_NOT_ALLOWED").Key("message").String("Use " + std::string(method));
  json.EndObject();
  return false;
}

}  // namespace

AuthRoutes::AuthRoutes(auth::AuthService& auth, AuthRouteOptions options) : auth_(auth), options_(options) {}

bool AuthRoutes::Handles(std::string_view path) {
  return path == kLogin || path == kRefresh || path == kLogout || path == kMe || path == kStatus || path == kSetup;
}

bool AuthRoutes::TakesPassword(std::string_view path) { return path == kLogin || path == kSetup; }

void AuthRoutes::Handle(const HttpRequest& request, HttpResponse& response) {
  const std::string_view path = request.path;
  if (path == kLogin) {
    if (MethodIs(request, "POST", response)) Login(request, response);
  } else if (path == kRefresh) {
    if (MethodIs(request, "POST", response)) Refresh(request, response);
  } else if (path == kLogout) {
    if (MethodIs(request, "POST", response)) Logout(request, response);
  } else if (path == kMe) {
    if (MethodIs(request, "GET", response)) Me(request, response);
  } else if (path == kStatus) {
    if (MethodIs(request, "GET", response)) SetupStatus(request, response);
  } else if (path == kSetup) {
    if (MethodIs(request, "POST", response)) Setup(request, response);
  }
}

void AuthRoutes::Login(const HttpRequest& request, HttpResponse& response) {
  std::optional<std::string> user, username, password;
  if (auto bad = ReadStringFields(request.body, {{"user", &user}, {"username", &username}, {"password", &password}},
                                  /*reject_unknown=*/true)) {
    return ErrorBody(response, 400, "bad_request", *bad);
  }
  if (user && username) return ErrorBody(response, 400, "bad_request", "Give either 'user' or 'username'");
  if (!user) user = std::move(username);
  if (!user || !password) return ErrorBody(response, 400, "bad_request", "Fields 'user' and 'password' are required");
  if (user->size() > kMaxUserBytes) return ErrorBody(response, 400, "bad_request", "'user' is longer than 128 bytes");
  if (password->size() > kMaxPasswordBytes) {
    return ErrorBody(response, 400, "bad_request", "'password' is longer than 256 bytes");
  }
  const int64_t now_us = NowMicros();
  auth::AuthOutcome outcome = auth_.Login(*user, *password, request.client_ip, now_us);
  const auto* error = std::get_if<auth::AuthError>(&outcome);
  // Refusals by the rate limit are not audited: a flood must not become a flood of writes.
  if (options_.audit && !(error != nullptr && error->failure == auth::AuthFailure::kRateLimited)) {
    AuditEntry entry;
    entry.timestamp_us = now_us;
    entry.action = error ? AuditAction::kLoginFailed : AuditAction::kLogin;
    entry.target = *user;
    entry.ip_address = request.client_ip;
    entry.details_json = "{\"request_id\":\"" + request.request_id + "\"}";  // ids are [A-Za-z0-9._:-]
    if (!error) {
      entry.actor = std::get<auth::Identity>(outcome).user;
      entry.subject = entry.actor;
    }
    options_.audit(std::move(entry));
  }
  if (error != nullptr) return Refuse(response, *error);
  IssueSession(request, std::get<auth::Identity>(outcome), now_us, response);
}

void AuthRoutes::Refresh(const HttpRequest& request, HttpResponse& response) {
  std::string_view token = request.Cookie(kRefreshCookie);
  if (token.empty()) token = BearerToken(request.Header("authorization"));
  // Clients without cookies may send {"refresh_token": "..."} instead (docs/http-api.md).
  std::optional<std::string> body_token;
  if (token.empty() && !request.body.empty()) {
    if (auto bad = ReadStringFields(request.body, {{"refresh_token", &body_token}}, /*reject_unknown=*/false)) {
      return ErrorBody(response, 400, "bad_request", *bad);
    }
    if (body_token) token = *body_token;
  }
  if (token.empty()) return ErrorBody(response, 401, "unauthorized", kNeedsRefreshToken);
  const int64_t now_us = NowMicros();
  auth::AuthOutcome outcome = auth_.AuthenticateToken(token, auth::TokenType::kRefresh, now_us);
  if (const auto* error = std::get_if<auth::AuthError>(&outcome)) {
    // An access token sent here gets the message that says what to send instead.
    if (error->failure == auth::AuthFailure::kInvalidCredentials &&
        auth::VerifyJwt(token, auth_.settings().jwt_secret, now_us / 1'000'000, auth::TokenType::kAccess).ok()) {
      return ErrorBody(response, 401, "unauthorized", kNeedsRefreshToken);
    }
    return Refuse(response, *error);
  }
  IssueSession(request, std::get<auth::Identity>(outcome), now_us, response);
}

void AuthRoutes::Logout(const HttpRequest& request, HttpResponse& response) {
  const bool secure = options_.cookie_secure && request.https;
  response.headers.emplace_back("Set-Cookie", SetCookieValue(kAccessCookie, "", 0, secure));
  response.headers.emplace_back("Set-Cookie", SetCookieValue(kRefreshCookie, "", 0, secure));
  response.body = R"({"message":"Logged out successfully"})";
}

void AuthRoutes::Me(const HttpRequest& request, HttpResponse& response) {
  const std::string_view authorization = request.Header("authorization");
  std::string_view token = authorization.empty() ? request.Cookie(kAccessCookie) : BearerToken(authorization);
  if (token.empty()) {
    return ErrorBody(response, 401, "unauthorized",
                     authorization.empty() ? "Authentication required" : "Invalid credentials");
  }
  auth::AuthOutcome outcome = auth_.AuthenticateToken(token, auth::TokenType::kAccess, NowMicros());
  if (const auto* error = std::get_if<auth::AuthError>(&outcome)) return Refuse(response, *error);
  const auth::Identity& identity = std::get<auth::Identity>(outcome);
  auto record = auth_.FindUser(identity.user);
  if (!record.ok() || !record->has_value()) return ErrorBody(response, 500, "internal_error", "User lookup failed");
  response.trace.user = identity.user.str();
  JsonWriter json(&response.body);
  json.StartObject().Key("user");
  WriteUser(**record, json);
  json.Key("admin_ui_access").Bool(IsAdmin(identity.role)).EndObject();
}

bool AuthRoutes::SetupAllowed(const HttpRequest& request) const {
  return request.client_loopback || options_.allow_remote_setup;
}

void AuthRoutes::SetupStatus(const HttpRequest& request, HttpResponse& response) {
  if (!SetupAllowed(request)) {
    return ErrorBody(response, 403, "forbidden", "Setup status is only available from localhost");
  }
  auto has_password = auth_.RootHasPassword();
  if (!has_password.ok()) return ErrorBody(response, 500, "internal_error", "Could not read the root user");
  JsonWriter json(&response.body);
  json.StartObject().Key("needs_setup").Bool(!*has_password).Key("message");
  json.String(*has_password ? "Server is configured"
                            : "Server requires setup: POST /v1/api/auth/setup with user, password and root_password");
  json.EndObject();
}

void AuthRoutes::Setup(const HttpRequest& request, HttpResponse& response) {
  if (!SetupAllowed(request)) return ErrorBody(response, 403, "forbidden", "Setup is only allowed from localhost");
  // Checked before the body so that a configured server says so whatever it is sent; checked
  // again under the AuthService's lock by CompleteSetup.
  auto has_password = auth_.RootHasPassword();
  if (!has_password.ok()) return ErrorBody(response, 500, "internal_error", "Could not read the root user");
  if (*has_password) return ErrorBody(response, 409, "already_configured", "Server is already configured");

  std::optional<std::string> user, username, password, root_password, email;
  if (auto bad = ReadStringFields(request.body,
                                  {{"user", &user},
                                   {"username", &username},
                                   {"password", &password},
                                   {"root_password", &root_password},
                                   {"email", &email}},
                                  /*reject_unknown=*/false)) {
    return ErrorBody(response, 400, "bad_request", *bad);
  }
  if (user && username) return ErrorBody(response, 400, "bad_request", "Give either 'user' or 'username'");
  if (!user) user = std::move(username);
  if (!user || !password || !root_password) {
    return ErrorBody(response, 400, "bad_request", "Fields 'user', 'password' and 'root_password' are required");
  }
  if (email && email->size() > kMaxEmailBytes) return ErrorBody(response, 400, "bad_request", "'email' is too long");
  if (*user == kRootUser) return ErrorBody(response, 400, "invalid_user", "The setup user cannot be 'root'");
  if (Status valid = ValidateUserId(*user); !valid.ok()) {
    return ErrorBody(response, 400, "invalid_user", valid.message());
  }
  // The policy always applies to setup (docs/http-api.md), complexity only when configured.
  const bool complexity = auth_.settings().enforce_password_complexity;
  if (Status policy = auth::CheckPasswordPolicy(*password, complexity); !policy.ok()) {
    return ErrorBody(response, 400, "weak_password", policy.message());
  }
  if (Status policy = auth::CheckPasswordPolicy(*root_password, complexity); !policy.ok()) {
    return ErrorBody(response, 400, "weak_password", "Root password: " + policy.message());
  }

  auto created = auth_.CompleteSetup(UserId(*user), *password, std::move(email), *root_password, NowMicros());
  if (!created.ok()) {
    switch (created.status().code()) {
      case StatusCode::kInvalidOperation:
        return ErrorBody(response, 409, "already_configured", "Server is already configured");
      case StatusCode::kAlreadyExists:
        return ErrorBody(response, 409, "user_exists", created.status().message());
      default:
        return ErrorBody(response, 500, "internal_error", "Setup failed");
    }
  }
  response.trace.user = *user;
  JsonWriter json(&response.body);
  json.StartObject().Key("user");
  WriteUser(*created, json);
  json.Key("message").String("Server setup complete").EndObject();
}

void AuthRoutes::IssueSession(const HttpRequest& request, const auth::Identity& identity, int64_t now_us,
                              HttpResponse& response) {
  auto record = auth_.FindUser(identity.user);
  auto tokens = auth_.IssueTokens(identity, now_us);
  if (!record.ok() || !record->has_value() || !tokens.ok()) {
    return ErrorBody(response, 500, "internal_error", "Could not issue tokens");
  }
  const auth::TokenPair& pair = *tokens;
  const int64_t now_s = now_us / 1'000'000;
  const bool secure = options_.cookie_secure && request.https;
  response.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kAccessCookie, pair.access_token, pair.access_expires_at_s - now_s, secure));
  response.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kRefreshCookie, pair.refresh_token, pair.refresh_expires_at_s - now_s, secure));
  // Tokens must not be cached by anything between us and the client.
  response.headers.emplace_back("Cache-Control", "no-store");
  response.trace.user = identity.user.str();

  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("user");
  WriteUser(**record, json);
  json.Key("admin_ui_access").Bool(IsAdmin(identity.role));
  json.Key("expires_at").String(Rfc3339(pair.access_expires_at_s * 1'000'000));
  json.Key("access_token").String(pair.access_token);
  json.Key("refresh_token").String(pair.refresh_token);
  json.Key("refresh_expires_at").String(Rfc3339(pair.refresh_expires_at_s * 1'000'000));
  json.EndObject();
}

}  // namespace kalam::api
