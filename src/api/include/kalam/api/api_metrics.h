#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kalam/commons/metrics.h"

namespace kalam::api {

// The route families GET /metrics labels requests with (`route`).
enum class MetricRoute : uint8_t { kSql, kAuth, kHealth, kWebSocket, kMetrics, kOther };
inline constexpr size_t kMetricRouteCount = 6;
std::string_view MetricRouteName(MetricRoute route);
MetricRoute MetricRouteOf(std::string_view path);

// The kind of a SQL request's first statement (`statement`); kNone for other routes.
enum class StatementKind : uint8_t {
  kNone,
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kDdl,   // CREATE, ALTER, DROP, TRUNCATE
  kShow,  // SHOW, DESCRIBE, EXPLAIN
  kSubscribe,
  kFlush,
  kAdmin,        // KILL, BACKUP, RESTORE, EXECUTE AS, EXPORT
  kTransaction,  // BEGIN, COMMIT, ROLLBACK, START
  kOther,
};
inline constexpr size_t kStatementKindCount = 12;
std::string_view StatementKindName(StatementKind kind);
// From the leading keyword of the first statement (comments and whitespace skipped); no
// allocation beyond a short word, so it runs on every request.
StatementKind StatementKindOf(std::string_view sql);

// The `code` label of kalamdb_errors_total: the error codes the routes answer with. An answer
// with a code outside this list counts as "other".
inline constexpr std::array<std::string_view, 37> kMetricErrorCodes = {"INVALID_INPUT",
                                                                       "INVALID_SQL",
                                                                       "EMPTY_SQL",
                                                                       "BATCH_PARSE_ERROR",
                                                                       "PARAMS_WITH_BATCH",
                                                                       "INVALID_PARAMETER",
                                                                       "PERMISSION_DENIED",
                                                                       "SQL_EXECUTION_ERROR",
                                                                       "INTERNAL_ERROR",
                                                                       "MISSING_AUTHORIZATION",
                                                                       "INVALID_CREDENTIALS",
                                                                       "TOKEN_EXPIRED",
                                                                       "ACCOUNT_LOCKED",
                                                                       "RATE_LIMIT_EXCEEDED",
                                                                       "NOT_FOUND",
                                                                       "METHOD_NOT_ALLOWED",
                                                                       "BODY_TOO_LARGE",
                                                                       "STORAGE_UNAVAILABLE",
                                                                       "IP_BANNED",
                                                                       "TOO_MANY_CONNECTIONS",
                                                                       "SERVER_BUSY",
                                                                       "SERVICE_UNAVAILABLE",
                                                                       "FORBIDDEN",
                                                                       "HEADERS_TOO_LARGE",
                                                                       "BAD_REQUEST",
                                                                       "account_locked",
                                                                       "rate_limited",
                                                                       "setup_required",
                                                                       "unauthorized",
                                                                       "bad_request",
                                                                       "internal_error",
                                                                       "forbidden",
                                                                       "already_configured",
                                                                       "invalid_user",
                                                                       "weak_password",
                                                                       "RESTORING",
                                                                       "other"};

// Request figures of GET /metrics, recorded by the HTTP server and ApiService as requests
// finish: a latency histogram per (route, statement kind) whose count is the request count,
// answers per (route, status class), errors per code, and open connections. Every member is
// a fixed array of atomics: recording allocates nothing and takes no lock. Thread-safe.
struct ApiMetrics {
  std::array<std::array<LatencyHistogram, kStatementKindCount>, kMetricRouteCount> latency;
  std::array<std::array<MetricCounter, 5>, kMetricRouteCount> responses;  // 1xx..5xx
  std::array<MetricCounter, kMetricErrorCodes.size()> errors;
  MetricGauge http_connections;
  MetricGauge websocket_connections;

  // `error` is the answer's `error` code, empty for a success.
  void Record(MetricRoute route, StatementKind kind, int status, std::string_view error, int64_t micros);
};

}  // namespace kalam::api
