#pragma once

#include <string_view>

#include "duckdb.hpp"
#include "kalam/commons/engine_config.h"
#include "kalam/commons/result.h"
#include "kalam/system/row_set.h"

namespace kalam::core {

struct EngineContext;

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
// Records `status` as the statement's bind error and throws a DuckDB exception carrying it;
// the engine turns it back into the Status.
[[noreturn]] void ThrowDenied(QueryState& state, const Status& status);
// Refuses a table function that client SQL named itself (see MarkInternal).
void RequireInternal(QueryState& state, const duckdb::TableFunctionBindInput& input);

// DuckDB configuration applied before the database is created: the replacement scan that
// maps `ns.t` and `system.x` to our table functions, and no file-system access for queries.
void ConfigureDuckDB(duckdb::DBConfig& config, const EngineConfig& engine_config);
// Registers the table functions and the UDFs SNOWFLAKE_ID, UUID_V7, ULID, CURRENT_USER,
// CURRENT_USER_ID and CURRENT_ROLE.
Status RegisterFunctions(duckdb::Connection& connection);

// Content of a system table (name without "system.").
Result<system::RowSet> BuildSystemRowSet(EngineContext& engine, std::string_view name);

}  // namespace kalam::core
