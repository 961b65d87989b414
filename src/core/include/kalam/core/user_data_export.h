#pragma once

#include <cstdint>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/table_type.h"
#include "kalam/core/statement_result.h"

namespace kalam::core {

// One user's rows of one USER or STREAM table, as that user reads them: hot and cold tiers
// merged, current versions only (no tombstones, no superseded versions), in `_seq` order.
// `rows.columns` are the table's columns (system columns left out).
struct ExportedTable {
  TableId table;
  TableType type = TableType::kUser;
  uint32_t schema_version = 1;
  StatementResult rows;
};

// Everything one user owns in USER and STREAM tables (docs/user-data-export.md). Tables in
// which the user has no row are left out.
struct UserDataExport {
  UserId user;
  int64_t exported_at_us = 0;
  std::vector<ExportedTable> tables;
  uint64_t total_rows() const {
    uint64_t n = 0;
    for (const auto& t : tables) n += t.rows.row_count;
    return n;
  }
};

}  // namespace kalam::core
