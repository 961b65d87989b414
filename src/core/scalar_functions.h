#pragma once

#include "duckdb.hpp"

namespace kalam::core {

// KalamDB's SQL functions: SNOWFLAKE_ID() (the engine's `_seq` generator), UUID_V7(), ULID(),
// CURRENT_USER() / CURRENT_USER_ID() (the acting user, EXECUTE AS included) and CURRENT_ROLE().
// All volatile. They go into `catalog` (the database's own), where they shadow DuckDB's
// `current_user` macro for every query. Runs inside the caller's transaction.
void RegisterScalarFunctions(duckdb::ClientContext& context, duckdb::Catalog& catalog);

}  // namespace kalam::core
