#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/core/session.h"
#include "duckdb_errors.h"
#include "query_state.h"

namespace kalam::core {

// Who runs the current statement and with what: the acting identity differs from the
// session's under EXECUTE AS USER.
struct ExecContext {
  Session& session;
  UserId acting_user;
  Role acting_role;
  duckdb::Connection& connection;
  QueryState& state;
  const std::vector<duckdb::Value>& params;
  // limits.statement_timeout_secs: work outside DuckDB (building writes) stops past this.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // What is left of limits.max_answer_bytes for this request's row results.
  uint64_t answer_budget = UINT64_MAX;

  bool PastDeadline() const { return std::chrono::steady_clock::now() >= deadline; }

  // Storage scope of USER/STREAM rows written or read by this statement.
  const std::string& user_scope() const { return acting_user.str(); }
};

// A request parameter that is missing, extra or cannot be used: "Parameter $N invalid:
// <reason>", answered as INVALID_PARAMETER (docs/http-api.md). The failure is recorded in
// `ctx.state`, which is how the engine tells it from the statement's own failures.
Status InvalidParameter(ExecContext& ctx, size_t number, std::string_view reason);
// The statement takes `expected` parameters: InvalidParameter for the first one missing or
// extra when `ctx.params` has another count.
Status CheckParameterCount(ExecContext& ctx, size_t expected);

// Runs a parsed SELECT (or any statement DuckDB executes) with `ctx.params`, collecting at
// most `max_rows` rows.
Result<std::unique_ptr<duckdb::QueryResult>> RunDuckDBStatement(ExecContext& ctx,
                                                                duckdb::unique_ptr<duckdb::SQLStatement> statement);

}  // namespace kalam::core
