#pragma once

#include "duckdb/parser/sql_statement.hpp"

namespace kalam::core {

// docs/sql-reference.md: reads hide tombstones unless the query's WHERE references `_deleted`.
// Walks the parsed statement (CTEs, subqueries, joins, set operations) and answers whether
// any WHERE clause mentions a column named `_deleted`.
bool WhereMentionsDeleted(duckdb::SQLStatement& statement);

}  // namespace kalam::core
