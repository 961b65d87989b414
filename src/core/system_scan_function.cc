#include "system_scan_function.h"

#include "duckdb_bridge.h"
#include "duckdb_errors.h"
#include "kalam/auth/permissions.h"
#include "kalam/system/system_tables.h"
#include "kalam/tables/type_mapping.h"
#include "query_state.h"
#include "row_set_result.h"
#include "system_table_rows.h"

namespace kalam::core {
namespace {

using duckdb::ClientContext;
using duckdb::DataChunk;
using duckdb::FunctionData;
using duckdb::GlobalTableFunctionState;
using duckdb::idx_t;
using duckdb::LogicalType;
using duckdb::TableFunctionBindInput;
using duckdb::TableFunctionInitInput;
using duckdb::TableFunctionInput;

struct SystemBindData : public duckdb::TableFunctionData {
  std::string name;
  std::vector<system::RowSetColumn> columns;
};

struct SystemGlobalState : public GlobalTableFunctionState {
  system::RowSet rows;
  size_t offset = 0;
};

duckdb::unique_ptr<FunctionData> BindSystemScan(ClientContext& context, TableFunctionBindInput& input,
                                                duckdb::vector<LogicalType>& types,
                                                duckdb::vector<std::string>& names) {
  QueryState& state = QueryState::Get(context);
  RequireInternal(state, input);
  std::string name = input.inputs[0].GetValue<std::string>();
  // The denial names the table as the client wrote it, before the alias is resolved.
  Status s = auth::CheckSystemTableRead(state.acting_role, name);
  if (!s.ok()) ThrowStatus(state, s);
  if (name == "live_queries") name = "live";
  if (!system::SystemTables::Exists(name)) {
    throw duckdb::CatalogException("Table 'system." + name + "' does not exist");
  }
  auto data = duckdb::make_uniq<SystemBindData>();
  data->name = name;
  data->columns = system::SystemTables::Columns(name);
  for (const auto& c : data->columns) {
    names.push_back(c.name);
    types.push_back(tables::ToLogicalType(c.type));
  }
  return data;
}

duckdb::unique_ptr<GlobalTableFunctionState> InitSystemScan(ClientContext& context, TableFunctionInitInput& input) {
  QueryState& state = QueryState::Get(context);
  const auto& bind = input.bind_data->Cast<SystemBindData>();
  auto result = BuildSystemRowSet(state.engine, bind.name);
  if (!result.ok()) ThrowStatus(state, result.status());
  auto global = duckdb::make_uniq<SystemGlobalState>();
  global->rows = std::move(result).value();
  return global;
}

void RunSystemScan(ClientContext&, TableFunctionInput& input, DataChunk& output) {
  auto& global = input.global_state->Cast<SystemGlobalState>();
  const auto& rows = global.rows.rows;
  idx_t n = 0;
  while (global.offset < rows.size() && n < STANDARD_VECTOR_SIZE) {
    const auto& row = rows[global.offset++];
    for (size_t c = 0; c < row.size(); ++c) {
      output.SetValue(c, n, CellToValue(row[c], global.rows.columns[c].type));
    }
    ++n;
  }
  output.SetCardinality(n);
}

}  // namespace

duckdb::TableFunction SystemScanFunction() {
  return duckdb::TableFunction(kSystemScanFunction, {LogicalType::VARCHAR}, RunSystemScan, BindSystemScan,
                               InitSystemScan);
}

}  // namespace kalam::core
