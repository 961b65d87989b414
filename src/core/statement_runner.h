#pragma once

#include <vector>

#include "duckdb.hpp"
#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/session.h"
#include "kalam/core/statement_result.h"
#include "query_state.h"
#include "statement_parser.h"

namespace kalam::core {

// Runs one validated statement in a session: sets who acts (EXECUTE AS USER included), arms
// the statement watchdog, then hands the statement to its executor (the statement router for
// KalamDB's dialect, the DML executor for writes, DuckDB for queries, whose rows it collects
// within limits.max_result_rows and `answer_budget` bytes). Every failure, an exception that
// DuckDB or one of our callbacks lets out included, comes back as a Status.
Result<StatementResult> RunStatement(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                     QueryState& state, ParsedStatement& parsed,
                                     const std::vector<duckdb::Value>& params, uint64_t answer_budget);

// Runs a statement whose answer is rows (a SELECT, or a query the engine built) and collects
// them within limits.max_result_rows and `ctx.answer_budget` bytes.
Result<StatementResult> RunSelect(EngineContext& engine, ExecContext& ctx,
                                  duckdb::unique_ptr<duckdb::SQLStatement> statement);

}  // namespace kalam::core
