#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/api/api_error.h"
#include "kalam/api/request_limits.h"

namespace kalam::api {

// The body of `POST /v1/api/sql` (docs/http-api.md), decoded.
struct SqlRequest {
  std::string sql;
  // `$1..$n` in order: JSON null → SQLNULL, boolean → BOOLEAN, integer → BIGINT (HUGEINT above
  // INT64_MAX), other number → DOUBLE, string → VARCHAR. Coercion to a column's type is the
  // engine's job (docs/value-encoding.md).
  std::vector<duckdb::Value> params;
  // `namespace_id` as sent; "default" when absent or null.
  std::string namespace_id = "default";
  // Whether the body carried a `params` array (even an empty one); `"params": null` and no
  // `params` field both leave it false.
  bool has_params = false;
};

// Parses and checks a request body (steps 3 and 4 of docs/http-api.md, plus the parameter
// shape rules of docs/http-api.md). The body is parsed as JSON whatever the Content-Type; unknown
// fields are ignored; when a field appears twice the last one counts. Errors, all HTTP 400:
//   - not JSON, not an object, `sql` missing or not a string, `params` not an array or null,
//     `namespace_id` not a string or null → INVALID_INPUT "Invalid JSON payload: ...";
//   - `sql` longer than `limits.max_sql_bytes` → INVALID_SQL "SQL query too long";
//   - `sql` holding a NUL byte (JSON "\u0000") → INVALID_SQL "SQL text must not contain a NUL
//     byte" (CheckSqlText); string parameters may hold NUL;
//   - more than `limits.max_parameters` parameters, a parameter that is an array or object, or
//     a string parameter above `limits.max_parameter_size_bytes` UTF-8 bytes (other scalars are
//     fixed-size once parsed) → INVALID_PARAMETER "Parameter $N invalid: ..." (N 1-based; for
//     too many, N = max_parameters + 1).
// An integer beyond uint64 fails the whole JSON parse (simdjson 3.0) and so is INVALID_INPUT.
// These parameter checks run before the SQL is split and validated, so a body that is wrong
// in both places reports the parameter first (docs/http-api.md orders them the other way; only
// requests that are doubly wrong see the difference).
// Thread-safe (each thread keeps its own parser).
ApiResult<SqlRequest> ParseSqlRequest(std::string_view body, const RequestLimits& limits);

}  // namespace kalam::api
