#pragma once

#include "duckdb/parser/sql_statement.hpp"
#include "kalam/commons/status.h"

namespace kalam::core {

// Only these table functions may appear in a client's SQL: range/generate_series/unnest and
// KalamDB's own table scan. DuckDB's other table functions reach past KalamDB's model —
// logging (other users' query text), running serialized SQL on a connection without a
// session, catalog and settings introspection — so every one not listed is refused, wherever
// it hides (CTEs, subqueries, joins, EXPLAIN, INSERT ... SELECT, UPDATE/DELETE conditions).
Status CheckTableFunctions(duckdb::SQLStatement& statement);

}  // namespace kalam::core
