#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "kalam/api/http_exchange.h"
#include "kalam/auth/auth_service.h"
#include "kalam/commons/audit.h"

namespace kalam::api {

struct AuthRouteOptions {
  bool cookie_secure = true;        // auth.cookie_secure: Secure cookies on HTTPS requests
  bool allow_remote_setup = false;  // auth.allow_remote_setup: status and setup off loopback
  // Receives the LOGIN and LOGIN_FAILED entries of system.audit_log; may be empty.
  std::function<void(AuditEntry)> audit;
};

// The routes under /v1/api/auth (docs/http-api.md): login, refresh, logout, me, status and
// setup. Errors use the auth shape {"error":"<kind>","message":"<text>"}. Tokens travel in
// the body and in the cookies `kalamdb_auth` (access) and `kalamdb_refresh`. `auth` must
// outlive the routes. Thread-safe (the AuthService is; the routes keep no state).
class AuthRoutes {
 public:
  static constexpr std::string_view kAccessCookie = "kalamdb_auth";
  static constexpr std::string_view kRefreshCookie = "kalamdb_refresh";

  AuthRoutes(auth::AuthService& auth, AuthRouteOptions options);

  // Whether `path` is one of the auth routes.
  static bool Handles(std::string_view path);
  // Whether the route checks a password (login, setup): a bcrypt per request.
  static bool TakesPassword(std::string_view path);
  // Answers a request whose path Handles() accepted. Runs on a worker thread (bcrypt).
  void Handle(const HttpRequest& request, HttpResponse& response);

 private:
  void Login(const HttpRequest& request, HttpResponse& response);
  void Refresh(const HttpRequest& request, HttpResponse& response);
  void Logout(const HttpRequest& request, HttpResponse& response);
  void Me(const HttpRequest& request, HttpResponse& response);
  void SetupStatus(const HttpRequest& request, HttpResponse& response);
  void Setup(const HttpRequest& request, HttpResponse& response);

  // The login/refresh body and both cookies for a freshly authenticated identity.
  void IssueSession(const HttpRequest& request, const auth::Identity& identity, int64_t now_us, HttpResponse& response);
  // Whether status and setup may answer this client (loopback, or remote setup allowed).
  bool SetupAllowed(const HttpRequest& request) const;

  auth::AuthService& auth_;
  const AuthRouteOptions options_;
};

}  // namespace kalam::api
