#include "duckdb_bridge.h"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/external_dependencies.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb/transaction/meta_transaction.hpp"
#include "duckdb_errors.h"
#include "function_guard.h"
#include "plan_guard.h"
#include "query_state.h"
#include "scalar_functions.h"
#include "system_scan_function.h"
#include "table_scan_function.h"

namespace kalam::core {
namespace {

using duckdb::ClientContext;

const duckdb::shared_ptr<duckdb::ExternalDependency>& InternalMark() {
  static const auto mark = duckdb::make_shared_ptr<duckdb::ExternalDependency>();
  return mark;
}

}  // namespace

void MarkInternal(duckdb::TableRef& ref) { ref.external_dependency = InternalMark(); }

void RequireInternal(QueryState& state, const duckdb::TableFunctionBindInput& input) {
  if (input.ref.external_dependency != InternalMark()) {
    ThrowStatus(state, Status::PermissionDenied("Access denied: function '" + input.table_function.name +
                                                "' is not available"));
  }
}

Status RegisterFunctions(duckdb::Connection& connection) {
  ClientContext& context = *connection.context;
  try {
    connection.BeginTransaction();
    auto& system_catalog = duckdb::Catalog::GetSystemCatalog(context);
    auto add_table_function = [&](duckdb::TableFunction fn) {
      duckdb::CreateTableFunctionInfo info(fn);
      system_catalog.CreateTableFunction(context, info);
    };
    add_table_function(TableScanFunction(kScanFunction, /*for_write=*/false));
    add_table_function(TableScanFunction(kWriteScanFunction, /*for_write=*/true));
    add_table_function(SystemScanFunction());
    CloseRefusedFunctions(context);
    // Here rather than in ConfigureDuckDB: DuckDB 1.4 does not copy optimizer extensions from
    // the DBConfig it starts with.
    duckdb::DBConfig::GetConfig(context).optimizer_extensions.push_back(PlanGuardExtension());

    auto& catalog = duckdb::Catalog::GetCatalog(context, "memory");
    duckdb::MetaTransaction::Get(context).ModifyDatabase(catalog.GetAttached());
    RegisterScalarFunctions(context, catalog);
    connection.Commit();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("registering DuckDB functions failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace kalam::core
