#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kalam::api {

// The `error.code` values of docs/http-api.md (plus its route-level codes).
enum class ApiErrorCode {
  kInvalidInput,
  kInvalidSql,
  kEmptySql,
  kBatchParseError,
  kParamsWithBatch,
  kInvalidParameter,
  kPermissionDenied,
  kSqlExecutionError,
  kInternalError,
  kMissingAuthorization,
  kInvalidCredentials,
  kTokenExpired,
  kAccountLocked,
  kRateLimitExceeded,
  kNotFound,
  kMethodNotAllowed,
  kBodyTooLarge,
  kStorageUnavailable,
};

// The wire spelling: "INVALID_INPUT", "SQL_EXECUTION_ERROR", ...
constexpr std::string_view ApiErrorCodeName(ApiErrorCode code) {
  switch (code) {
    case ApiErrorCode::kInvalidInput: return "INVALID_INPUT";
    case ApiErrorCode::kInvalidSql: return "INVALID_SQL";
    case ApiErrorCode::kEmptySql: return "EMPTY_SQL";
    case ApiErrorCode::kBatchParseError: return "BATCH_PARSE_ERROR";
    case ApiErrorCode::kParamsWithBatch: return "PARAMS_WITH_BATCH";
    case ApiErrorCode::kInvalidParameter: return "INVALID_PARAMETER";
    case ApiErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ApiErrorCode::kSqlExecutionError: return "SQL_EXECUTION_ERROR";
    case ApiErrorCode::kInternalError: return "INTERNAL_ERROR";
    case ApiErrorCode::kMissingAuthorization: return "MISSING_AUTHORIZATION";
    case ApiErrorCode::kInvalidCredentials: return "INVALID_CREDENTIALS";
    case ApiErrorCode::kTokenExpired: return "TOKEN_EXPIRED";
    case ApiErrorCode::kAccountLocked: return "ACCOUNT_LOCKED";
    case ApiErrorCode::kRateLimitExceeded: return "RATE_LIMIT_EXCEEDED";
    case ApiErrorCode::kNotFound: return "NOT_FOUND";
    case ApiErrorCode::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
    case ApiErrorCode::kBodyTooLarge: return "BODY_TOO_LARGE";
    case ApiErrorCode::kStorageUnavailable: return "STORAGE_UNAVAILABLE";
  }
  return "INTERNAL_ERROR";
}

// The HTTP status a code normally travels with.
constexpr int DefaultHttpStatus(ApiErrorCode code) {
  switch (code) {
    case ApiErrorCode::kPermissionDenied: return 403;
    case ApiErrorCode::kInternalError: return 500;
    case ApiErrorCode::kMissingAuthorization:
    case ApiErrorCode::kInvalidCredentials:
    case ApiErrorCode::kTokenExpired:
    case ApiErrorCode::kAccountLocked: return 401;
    case ApiErrorCode::kRateLimitExceeded: return 429;
    case ApiErrorCode::kNotFound: return 404;
    case ApiErrorCode::kMethodNotAllowed: return 405;
    case ApiErrorCode::kBodyTooLarge: return 413;
    case ApiErrorCode::kStorageUnavailable: return 503;
    default: return 400;
  }
}

// One failed request as the client sees it: HTTP status, protocol code, message and, for admin
// callers only, the failing statement text (`details`). Status → ApiError happens in this
// module only (STYLE.md: one translation point per dependency).
struct ApiError {
  int http_status = 500;
  ApiErrorCode code = ApiErrorCode::kInternalError;
  std::string message;
  std::optional<std::string> details;
};

// An ApiError with the code's default HTTP status.
inline ApiError MakeApiError(ApiErrorCode code, std::string message) {
  return ApiError{DefaultHttpStatus(code), code, std::move(message), std::nullopt};
}

// Either a value or the ApiError to answer with. Like kalam::Result, but the failure side is
// already in protocol terms, so the HTTP layer forwards it without a second mapping.
template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}       // NOLINT: implicit by design
  ApiResult(ApiError error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const ApiError& error() const& { assert(!ok()); return std::get<1>(state_); }
  ApiError&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, ApiError> state_;
};

}  // namespace kalam::api
