#include "replacement_scan.h"

#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb_bridge.h"
#include "duckdb_errors.h"
#include "engine_context.h"
#include "kalam/commons/names.h"
#include "query_state.h"

namespace kalam::core {
namespace {

duckdb::unique_ptr<duckdb::TableRef> MakeFunctionRef(const char* function, std::string argument,
                                                     const std::string& alias) {
  auto ref = duckdb::make_uniq<duckdb::TableFunctionRef>();
  duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>> children;
  children.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value(std::move(argument))));
  ref->function = duckdb::make_uniq<duckdb::FunctionExpression>(function, std::move(children));
  ref->alias = alias;
  return ref;
}

}  // namespace

duckdb::unique_ptr<duckdb::TableRef> ReplaceTable(duckdb::ClientContext& context, duckdb::ReplacementScanInput& input,
                                                  duckdb::optional_ptr<duckdb::ReplacementScanData>) {
  auto* state_ptr = context.registered_state->Get<QueryState>(QueryState::kKey).get();
  if (state_ptr == nullptr) return nullptr;
  QueryState& state = *state_ptr;
  const std::string table = ToLower(input.table_name);
  std::string ns;
  // `system.users` reaches us as catalog "system" (DuckDB's own catalog name) and no schema.
  if (ToLower(input.catalog_name) == kSystemNamespace && input.schema_name.empty()) {
    ns = std::string(kSystemNamespace);
  } else if (!input.catalog_name.empty()) {
    return nullptr;
  } else {
    ns = input.schema_name.empty() ? state.current_namespace.str() : ToLower(input.schema_name);
  }
  if (ns == kSystemNamespace) {
    auto ref = MakeFunctionRef(kSystemScanFunction, table, table);
    MarkInternal(*ref);
    return ref;
  }
  const TableId id{NamespaceId(ns), TableName(table)};
  if (!state.engine.registry->FindTable(id)) {
    if (!state.engine.registry->NamespaceExists(id.namespace_id)) {
      ThrowStatus(state, NamespaceNotFound(ns));
    }
    throw duckdb::CatalogException("Table '" + id.ToString() + "' does not exist");
  }
  return MakeFunctionRef(kScanFunction, id.ToString(), table);
}

}  // namespace kalam::core
