#pragma once

#include "duckdb/parser/sql_statement.hpp"
#include "kalam/commons/ids.h"
#include "kalam/registry/schema_registry.h"

namespace kalam::core {

// DuckDB binds `ts = 1761645600000000` and `ts IN (...)` through the implicit integer casts of
// temporal_casts.h, but refuses `<`, `>`, `<=`, `>=` and BETWEEN between a TIMESTAMP (DATETIME,
// DATE, TIME) and an integer. Where a column of a table the statement names is compared that
// way with a literal or a parameter, this gives the other side an explicit CAST to the
// column's type, which uses those same casts: integers are µs (days for DATE), strings parse
// as they do everywhere (docs/value-encoding.md). A column it cannot tell apart (ambiguous,
// unknown) is left alone for DuckDB to bind or refuse.
void CastTemporalComparisons(duckdb::SQLStatement& statement, const registry::SchemaRegistry& registry,
                             const NamespaceId& current_namespace);

}  // namespace kalam::core
