#pragma once

#include <string_view>

#include "kalam/api/http_exchange.h"
#include "kalam/auth/auth_service.h"
#include "kalam/core/engine.h"

namespace kalam::api {

// POST /v1/api/export (docs/http-api.md#user-data-export): an authenticated user downloads
// everything they own in USER and STREAM tables as one JSON document, a table per entry with
// its schema and rows in the value encoding of the SQL endpoint, offered as an attachment.
// The caller has authenticated the request like the SQL endpoint; the route runs on a worker.
// limits.max_export_bytes bounds both the rows read and the encoded answer (413
// EXPORT_TOO_LARGE). Each export is recorded in system.audit_log (EXPORT_USER_DATA).
// `engine` must outlive it. Thread-safe.
class ExportRoute {
 public:
  static constexpr std::string_view kPath = "/v1/api/export";

  explicit ExportRoute(core::Engine& engine) : engine_(engine) {}

  void Handle(const HttpRequest& request, const auth::Identity& identity, HttpResponse& response);

 private:
  core::Engine& engine_;
};

}  // namespace kalam::api
