#pragma once

#include "duckdb/optimizer/optimizer_extension.hpp"

namespace kalam::core {

// Checks the bound plan of every statement a KalamDB session runs, before DuckDB optimizes or
// executes it: every scan must be one of the allowed table functions (so no DuckDB table,
// view or other table function is read, whatever path bound it), and the plan may hold only
// query operators (no DDL, SET, PRAGMA, ATTACH, COPY, ...). A refusal is PERMISSION_DENIED.
// The check marks the session's QueryState; RunDuckDBStatement refuses a statement whose
// plan was not checked, so turning DuckDB's optimizer off cannot turn the check off.
duckdb::OptimizerExtension PlanGuardExtension();

}  // namespace kalam::core
