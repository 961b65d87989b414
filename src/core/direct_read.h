#pragma once

#include <optional>

#include "duckdb.hpp"
#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"

namespace kalam::core {

// The direct read path: a simple single-table SELECT (see DirectReadPlan) read straight from
// a TableScan, without DuckDB's planner. `ORDER BY _seq [DESC] LIMIT n` merges the hot tier
// and the Parquet segments lazily, newest (or oldest) first, and stops after n rows that
// pass the conditions; primary-key equality and `_seq` ranges seek. The answer is the one
// DuckDB would give: same columns, types, flags and rows in the same order.
//
// Returns nullopt when DuckDB must run `statement` instead. `EXPLAIN [ANALYZE]` of a
// statement it takes says so in the plan text ("KALAMDB DIRECT READ"); ANALYZE runs it and
// adds what the scan read.
std::optional<Result<StatementResult>> TryDirectRead(EngineContext& engine, ExecContext& ctx,
                                                     const duckdb::SQLStatement& statement);

}  // namespace kalam::core
