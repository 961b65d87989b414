#pragma once

#include "duckdb/common/types/value.hpp"
#include "kalam/core/statement_result.h"
#include "kalam/system/row_set.h"

namespace kalam::core {

duckdb::Value CellToValue(const system::Cell& cell, const DataType& type);
// Converts a catalog-sized row set into a row result.
StatementResult RowSetToResult(const system::RowSet& rows, const UserId& as_user);
StatementResult MessageResult(std::string message, uint64_t row_count, const UserId& as_user);

}  // namespace kalam::core
