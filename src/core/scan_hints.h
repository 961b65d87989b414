#pragma once

#include <optional>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/cold_query.h"

namespace kalam::core {

// What a read's `column <op> constant` conditions tell a TableScan about where to look: a
// `_seq` range, a primary-key value and comparisons the Parquet read can apply. Hints only
// narrow what is read; the conditions themselves are still applied to the rows (by DuckDB's
// plan, or by the direct read), so a hint only has to be a superset, never exact. Shared by
// the table function's filter pushdown and the direct read path so both seek alike.
struct ScanHints {
  SeqId min_seq_exclusive = 0;
  SeqId max_seq_inclusive = INT64_MAX;
  std::optional<duckdb::Value> primary_key;  // coerced to the key column's type
  std::vector<tables::ColdComparison> column_comparisons;

  // Adds `column <op> value`, where `column` indexes `def.columns` or is
  // `def.columns.size()` for `_seq`. Conditions that tell nothing (NULL constants, values
  // that do not convert, other operators) are ignored.
  void Add(const TableDefinition& def, duckdb::idx_t column, duckdb::ExpressionType op, const duckdb::Value& value);
};

}  // namespace kalam::core
