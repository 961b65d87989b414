#pragma once

#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/core/session.h"
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

  // Storage scope of USER/STREAM rows written or read by this statement.
  const std::string& user_scope() const { return acting_user.str(); }
};

// Turns the error of a DuckDB result into our Status, preferring a permission failure that a
// bind callback recorded.
Status StatusFromDuckDB(const duckdb::ErrorData& error, QueryState& state);

// Runs a parsed SELECT (or any statement DuckDB executes) with `ctx.params`, collecting at
// most `max_rows` rows.
Result<std::unique_ptr<duckdb::QueryResult>> RunDuckDBStatement(ExecContext& ctx,
                                                                duckdb::unique_ptr<duckdb::SQLStatement> statement);

}  // namespace kalam::core
