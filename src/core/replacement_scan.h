#pragma once

#include "duckdb.hpp"
#include "duckdb/function/replacement_scan.hpp"

namespace kalam::core {

// DuckDB's replacement scan for KalamDB's tables: a table reference that DuckDB's own catalog
// does not hold becomes a call of our table functions. `ns.t` (or `t` in the session's
// namespace) reads through `kalam_scan('ns.t')`, `system.x` through `kalam_system_scan('x')`
// (marked internal). A missing namespace or table is named in a catalog error. Outside a
// KalamDB session (no QueryState) nothing is replaced.
duckdb::unique_ptr<duckdb::TableRef> ReplaceTable(duckdb::ClientContext& context, duckdb::ReplacementScanInput& input,
                                                  duckdb::optional_ptr<duckdb::ReplacementScanData> data);

}  // namespace kalam::core
