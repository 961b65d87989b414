#pragma once

#include "duckdb.hpp"

namespace kalam::core {

// The table function behind USER, SHARED and STREAM tables (`kalam_scan`), and its write
// form (`kalam_scan_for_write`: adds `_row_id`, never shows tombstones, and refuses client
// SQL that names it). It reads the acting user's scope as of the statement's snapshot, hot
// and cold tiers as one table, and takes `_seq` ranges and primary-key equality from the
// WHERE clause to seek instead of reading everything.
duckdb::TableFunction TableScanFunction(const char* name, bool for_write);

}  // namespace kalam::core
