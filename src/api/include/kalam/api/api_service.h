#pragma once

#include <string>

#include "kalam/api/http_exchange.h"
#include "kalam/api/request_limits.h"
#include "kalam/auth/auth_service.h"
#include "kalam/core/engine.h"

namespace kalam::api {

struct ApiOptions {
  RequestLimits limits;
  std::string version = KALAMDB_VERSION;
  std::string build_date;
};

// The HTTP routes of PROTOCOL.md §1-3: health, the SQL endpoint (and later the auth
// routes). Runs on the server's worker threads. `engine` and `auth` must outlive it.
// Thread-safe.
class ApiService {
 public:
  ApiService(core::Engine& engine, auth::AuthService& auth, ApiOptions options);

  void Handle(const HttpRequest& request, ConnectionState& connection, HttpResponse& response);
  HttpResponse BodyTooLarge(size_t size, size_t max) const;

 private:
  void Health(const HttpRequest& request, HttpResponse& response) const;
  void Sql(const HttpRequest& request, ConnectionState& connection, HttpResponse& response);

  core::Engine& engine_;
  auth::AuthService& auth_;
  ApiOptions options_;
};

}  // namespace kalam::api
