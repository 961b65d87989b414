#include "function_guard.h"

#include <array>
#include <string>

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/scalar_function_catalog_entry.hpp"
#include "duckdb/catalog/catalog_entry/schema_catalog_entry.hpp"
#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/common/exception.hpp"
#include "duckdb_bridge.h"
#include "kalam/commons/names.h"

namespace kalam::core {
namespace {

constexpr std::array<std::string_view, 6> kAllowedTableFunctions = {
    "range", "generate_series", "unnest", kScanFunction, kWriteScanFunction, kSystemScanFunction};

// Scalar functions that answer from DuckDB's state rather than from the query's data.
constexpr std::array<std::string_view, 7> kRefusedScalarFunctions = {
    "current_setting",        "getvariable",     "write_log", "which_secret", "current_connection_id",
    "current_transaction_id", "current_query_id"};

[[noreturn]] void Refuse(const std::string& name) {
  throw duckdb::PermissionException("Access denied: function '" + name + "' is not available");
}

duckdb::unique_ptr<duckdb::FunctionData> RefuseTableBind(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input,
                                                         duckdb::vector<duckdb::LogicalType>&,
                                                         duckdb::vector<std::string>&) {
  Refuse(input.table_function.name);
}

// Never reached (the bind refuses first); present so DuckDB still classifies the function as
// a plain table function.
void RefuseTableRun(duckdb::ClientContext&, duckdb::TableFunctionInput&, duckdb::DataChunk&) {
  throw duckdb::PermissionException("Access denied: table function is not available");
}

duckdb::unique_ptr<duckdb::FunctionData> RefuseScalarBind(duckdb::ClientContext&, duckdb::ScalarFunction& function,
                                                          duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>&) {
  Refuse(function.name);
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

void CloseTableFunction(duckdb::TableFunctionCatalogEntry& entry) {
  for (duckdb::idx_t i = 0; i < entry.functions.Size(); ++i) {
    duckdb::TableFunction& fn = entry.functions.GetFunctionReferenceByOffset(i);
    fn.bind = RefuseTableBind;
    fn.bind_replace = nullptr;
    fn.bind_operator = nullptr;
    if (!fn.in_out_function) fn.function = RefuseTableRun;
  }
}

void CloseScalarFunction(duckdb::ScalarFunctionCatalogEntry& entry) {
  for (duckdb::idx_t i = 0; i < entry.functions.Size(); ++i) {
    duckdb::ScalarFunction& fn = entry.functions.GetFunctionReferenceByOffset(i);
    fn.bind = RefuseScalarBind;
    fn.bind_extended = nullptr;
    fn.bind_expression = nullptr;
  }
}

}  // namespace

bool IsAllowedTableFunction(std::string_view name) { return Contains(kAllowedTableFunctions, ToLower(name)); }

void CloseRefusedFunctions(duckdb::ClientContext& context) {
  duckdb::Catalog::GetSystemCatalog(context).ScanSchemas(context, [&](duckdb::SchemaCatalogEntry& schema) {
    // A scan yields every entry of the set that holds `type` (table functions share theirs
    // with table macros, scalar functions with aggregates and macros): check each entry's type.
    schema.Scan(context, duckdb::CatalogType::TABLE_FUNCTION_ENTRY, [&](duckdb::CatalogEntry& entry) {
      if (entry.type == duckdb::CatalogType::TABLE_FUNCTION_ENTRY && !IsAllowedTableFunction(entry.name)) {
        CloseTableFunction(entry.Cast<duckdb::TableFunctionCatalogEntry>());
      }
    });
    schema.Scan(context, duckdb::CatalogType::SCALAR_FUNCTION_ENTRY, [&](duckdb::CatalogEntry& entry) {
      if (entry.type == duckdb::CatalogType::SCALAR_FUNCTION_ENTRY &&
          Contains(kRefusedScalarFunctions, ToLower(entry.name))) {
        CloseScalarFunction(entry.Cast<duckdb::ScalarFunctionCatalogEntry>());
      }
    });
  });
}

}  // namespace kalam::core
