#include "row_set_result.h"

#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/tables/type_mapping.h"

namespace kalam::core {

duckdb::Value CellToValue(const system::Cell& cell, const DataType& type) {
  const duckdb::LogicalType lt = tables::ToLogicalType(type);
  if (std::holds_alternative<std::monostate>(cell)) return duckdb::Value(lt);
  if (const bool* b = std::get_if<bool>(&cell)) return duckdb::Value::BOOLEAN(*b);
  if (const int64_t* n = std::get_if<int64_t>(&cell)) {
    switch (type.kind) {
      case TypeKind::kTimestamp: return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(*n));
      case TypeKind::kInt: return duckdb::Value::INTEGER(static_cast<int32_t>(*n));
      case TypeKind::kSmallInt: return duckdb::Value::SMALLINT(static_cast<int16_t>(*n));
      default: return duckdb::Value::BIGINT(*n);
    }
  }
  duckdb::Value v(std::get<std::string>(cell));
  if (type.kind == TypeKind::kJson) v.Reinterpret(lt);
  return v;
}

StatementResult RowSetToResult(const system::RowSet& rows, const UserId& as_user) {
  StatementResult result;
  result.has_rows = true;
  result.as_user = as_user;
  duckdb::vector<duckdb::LogicalType> types;
  for (const auto& c : rows.columns) {
    result.columns.push_back(ResultColumn{c.name, c.type, {}});
    types.push_back(tables::ToLogicalType(c.type));
  }
  result.rows = std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), types);
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
  for (const auto& row : rows.rows) {
    const duckdb::idx_t r = chunk.size();
    for (size_t c = 0; c < row.size(); ++c) chunk.SetValue(c, r, CellToValue(row[c], rows.columns[c].type));
    chunk.SetCardinality(r + 1);
    if (chunk.size() == STANDARD_VECTOR_SIZE) {
      result.rows->Append(chunk);
      chunk.Reset();
    }
  }
  if (chunk.size() > 0) result.rows->Append(chunk);
  result.row_count = rows.rows.size();
  return result;
}

StatementResult MessageResult(std::string message, uint64_t row_count, const UserId& as_user) {
  StatementResult result;
  result.message = std::move(message);
  result.row_count = row_count;
  result.as_user = as_user;
  return result;
}

}  // namespace kalam::core
