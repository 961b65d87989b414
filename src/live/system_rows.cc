#include "system_rows.h"

#include <algorithm>

#include "kalam/commons/names.h"
#include "kalam/system/system_tables.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::live {
namespace {

duckdb::Value CellValue(const system::Cell& cell, const DataType& type) {
  const duckdb::LogicalType logical = tables::ToLogicalType(type);
  if (std::holds_alternative<std::monostate>(cell)) return duckdb::Value(logical);
  if (const bool* b = std::get_if<bool>(&cell)) return duckdb::Value::BOOLEAN(*b);
  if (const int64_t* i = std::get_if<int64_t>(&cell)) {
    switch (type.kind) {
      case TypeKind::kTimestamp: return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(*i));
      case TypeKind::kInt: return duckdb::Value::INTEGER(static_cast<int32_t>(*i));
      case TypeKind::kSmallInt: return duckdb::Value::SMALLINT(static_cast<int16_t>(*i));
      default: return duckdb::Value::BIGINT(*i);
    }
  }
  duckdb::Value text(std::get<std::string>(cell));
  if (type.kind == TypeKind::kJson) text.Reinterpret(logical);
  return text;
}

}  // namespace

Result<std::shared_ptr<const TableDefinition>> SystemTableDefinition(core::Engine&, std::string_view name) {
  const std::string table(name == "live_queries" ? "live" : name);
  if (!system::SystemTables::Exists(table)) {
    return Status::NotFound("Table 'system." + std::string(name) + "' does not exist");
  }
  auto def = std::make_shared<TableDefinition>();
  def->id = TableId{NamespaceId(std::string(kSystemNamespace)), TableName(table)};
  def->type = TableType::kShared;
  for (const system::RowSetColumn& c : system::SystemTables::Columns(table)) {
    ColumnDefinition column;
    column.name = c.name;
    column.type = c.type;
    column.nullable = def->columns.empty() ? false : true;
    column.primary_key = def->columns.empty();
    def->columns.push_back(std::move(column));
  }
  return std::shared_ptr<const TableDefinition>(std::move(def));
}

Result<std::vector<core::VersionedRow>> SystemTableRows(core::Engine& engine, const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(system::RowSet rows, engine.ReadSystemTable(def.id.table_name.str()));
  std::vector<core::VersionedRow> out;
  out.reserve(rows.rows.size());
  for (const auto& row : rows.rows) {
    core::VersionedRow version;
    for (size_t c = 0; c < row.size() && c < def.columns.size(); ++c) {
      version.values.push_back(CellValue(row[c], def.columns[c].type));
    }
    out.push_back(std::move(version));
  }
  // Key order (PROTOCOL.md §6.5).
  std::stable_sort(out.begin(), out.end(), [](const core::VersionedRow& a, const core::VersionedRow& b) {
    return duckdb::Value::NotDistinctFrom(a.values[0], b.values[0]) ? false : a.values[0] < b.values[0];
  });
  return out;
}

}  // namespace kalam::live
