#pragma once

#include "duckdb.hpp"
#include "kalam/commons/result.h"

namespace kalam::core {

// What KalamDB adds to DuckDB: the table functions behind KalamDB tables, the scalar
// functions, the statement guards, and the mark that tells a reference KalamDB built from one
// a client wrote. The pieces live in their own files (system_scan_function.h,
// scalar_functions.h, replacement_scan.h, function_guard.h, plan_guard.h); this registers
// them on a new database.

// Names of the table functions behind KalamDB tables. `kalam_scan('ns.t')` is what a
// reference to `ns.t` resolves to; `kalam_scan_for_write('ns.t')` adds `_row_id` and never
// shows tombstones (the row source of UPDATE and DELETE); `kalam_system_scan('users')`
// serves `system.users`.
inline constexpr const char* kScanFunction = "kalam_scan";
inline constexpr const char* kWriteScanFunction = "kalam_scan_for_write";
inline constexpr const char* kSystemScanFunction = "kalam_system_scan";

// Marks a table-function reference that KalamDB built itself (the replacement scan of
// `system.x`, the row source of UPDATE and DELETE). SQL text cannot carry the mark, so a
// client cannot call kalam_system_scan or kalam_scan_for_write by name.
void MarkInternal(duckdb::TableRef& ref);

class QueryState;
// Refuses a table function that client SQL named itself (see MarkInternal).
void RequireInternal(QueryState& state, const duckdb::TableFunctionBindInput& input);

// Registers the table functions, the scalar functions (scalar_functions.h) and the
// statement guards on the database behind `connection`.
Status RegisterFunctions(duckdb::Connection& connection);

}  // namespace kalam::core
