#pragma once

#include "duckdb.hpp"

namespace kalam::core {

// The table function behind `system.x` (`kalam_system_scan('x')`): checks the acting role,
// resolves the `live_queries` alias, and reads the table's rows (system_table_rows.h) when
// the scan starts. Only references KalamDB built itself (MarkInternal) may name it.
duckdb::TableFunction SystemScanFunction();

}  // namespace kalam::core
