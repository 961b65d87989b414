#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/cold_segment.h"
#include "kalam/tables/scan_projection.h"

namespace kalam::tables {

// Filters a cold read may apply before keeping the newest version per identity. Both are
// safe there: every version of one identity has the same primary key, and a `_seq` lower
// bound drops only versions older than any that could match (see ColdQuery).
// `column <op> constant` from a query's WHERE, the constant coerced to the column's type.
struct ColdComparison {
  uint32_t column_index = 0;
  duckdb::ExpressionType op = duckdb::ExpressionType::COMPARE_EQUAL;
  duckdb::Value value;

  static bool Supported(duckdb::ExpressionType op);
};

struct ColdFilter {
  SeqId min_seq_exclusive = 0;
  // Versions newer than this are dropped before the newest per identity is chosen: the read
  // then shows the table as of that commit point (live queries' snapshots).
  SeqId max_seq_inclusive = INT64_MAX;
  const duckdb::Value* primary_key = nullptr;  // coerced to the key column's type
  // Applied in the Parquet read only when no identity can have two cold versions.
  const std::vector<ColdComparison>* comparisons = nullptr;
};

// The SELECT that reads `segments` (run on ParquetDb): the projected columns (by
// `projection`), then the row identity as text and `_deleted`; one newest version per
// identity. `filter` narrows the read with a WHERE that DuckDB's Parquet reader uses to skip
// row groups; results are the same as without it after the caller's own filters.
// `order` appends ORDER BY `_seq` (ascending, or descending when negative); 0 leaves the
// order to DuckDB.
std::string ColdQuery(const TableDefinition& def, const ScanProjection& projection,
                      const std::vector<ColdSegment>& segments, const ColdFilter& filter = {},
                      bool with_identity = true, int order = 0);

}  // namespace kalam::tables
