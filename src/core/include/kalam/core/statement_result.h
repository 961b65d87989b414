#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "kalam/commons/data_type.h"
#include "kalam/commons/ids.h"

namespace kalam::core {

// One column of a row result: name, protocol type and the flags of docs/http-api.md
// (`pk`, `nn`, `uq`; set only for plain table columns).
struct ResultColumn {
  std::string name;
  DataType type;
  std::vector<std::string> flags;
};

// The outcome of one statement: either rows (schema + DuckDB columnar chunks, encoded
// column-wise by the api layer) or a message with an affected-row count.
struct StatementResult {
  bool has_rows = false;
  std::vector<ResultColumn> columns;
  // Row data in DuckDB's columnar form; null for non-row results.
  std::unique_ptr<duckdb::ColumnDataCollection> rows;
  uint64_t row_count = 0;  // rows returned, or rows affected by DML
  bool truncated = false;  // rows were cut at limits.max_result_rows
  std::string message;
  UserId as_user;
};

}  // namespace kalam::core
