#include "system_rows.h"

#include <algorithm>

#include "kalam/commons/names.h"
#include "kalam/system/system_tables.h"

namespace kalam::live {

Result<std::shared_ptr<const TableDefinition>> SystemTableDefinition(std::string_view name) {
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
  KALAM_ASSIGN_OR_RETURN(std::vector<core::VersionedRow> out,
                         engine.live_queries().ReadSystemTable(def.id.table_name.str()));
  // Key order (docs/live-queries.md).
  std::stable_sort(out.begin(), out.end(), [](const core::VersionedRow& a, const core::VersionedRow& b) {
    return duckdb::Value::NotDistinctFrom(a.values[0], b.values[0]) ? false : a.values[0] < b.values[0];
  });
  return out;
}

}  // namespace kalam::live
