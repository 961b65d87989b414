#pragma once

#include "duckdb/parser/sql_statement.hpp"

namespace kalam::core {

// Lets a column be named `namespace.table.column` (`app.messages.id`) wherever the statement
// reads or writes `app.messages` without an alias: such names are shortened to
// `messages.id`, which is how DuckDB knows the table (a KalamDB table is a table function
// named after the table). Other three-part names are left for DuckDB to resolve or refuse.
void ShortenThreePartColumnNames(duckdb::SQLStatement& statement);

}  // namespace kalam::core
