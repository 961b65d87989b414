#include "scalar_functions.h"

#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"
#include "engine_context.h"
#include "id_functions.h"
#include "query_state.h"

namespace kalam::core {
namespace {

using duckdb::DataChunk;
using duckdb::ExpressionState;
using duckdb::idx_t;
using duckdb::LogicalType;
using duckdb::Vector;

void SnowflakeIdFunction(DataChunk& args, ExpressionState& expr_state, Vector& result) {
  QueryState& state = QueryState::Get(expr_state.GetContext());
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  auto* data = duckdb::FlatVector::GetData<int64_t>(result);
  for (idx_t i = 0; i < args.size(); ++i) data[i] = state.engine.seq.Next();
}

template <std::string (*Generate)()>
void TextIdFunction(DataChunk& args, ExpressionState&, Vector& result) {
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  auto* data = duckdb::FlatVector::GetData<duckdb::string_t>(result);
  for (idx_t i = 0; i < args.size(); ++i) data[i] = duckdb::StringVector::AddString(result, Generate());
}

void CurrentUserFunction(DataChunk&, ExpressionState& expr_state, Vector& result) {
  result.Reference(duckdb::Value(QueryState::Get(expr_state.GetContext()).acting_user.str()));
}

void CurrentRoleFunction(DataChunk&, ExpressionState& expr_state, Vector& result) {
  result.Reference(duckdb::Value(std::string(RoleName(QueryState::Get(expr_state.GetContext()).acting_role))));
}

void AddScalar(duckdb::ClientContext& context, duckdb::Catalog& catalog, const std::string& name,
               const LogicalType& type, duckdb::scalar_function_t fn) {
  duckdb::ScalarFunction f(name, {}, type, fn);
  f.stability = duckdb::FunctionStability::VOLATILE;
  duckdb::CreateScalarFunctionInfo info(f);
  // Not internal, and in the database's own catalog: this shadows DuckDB's `current_user`
  // macro (which answers "duckdb") for every query.
  info.internal = false;
  info.on_conflict = duckdb::OnCreateConflict::REPLACE_ON_CONFLICT;
  catalog.CreateFunction(context, info);
}

}  // namespace

void RegisterScalarFunctions(duckdb::ClientContext& context, duckdb::Catalog& catalog) {
  AddScalar(context, catalog, "snowflake_id", LogicalType::BIGINT, SnowflakeIdFunction);
  AddScalar(context, catalog, "uuid_v7", LogicalType::VARCHAR, TextIdFunction<NewUuidV7>);
  AddScalar(context, catalog, "ulid", LogicalType::VARCHAR, TextIdFunction<NewUlid>);
  AddScalar(context, catalog, "current_user", LogicalType::VARCHAR, CurrentUserFunction);
  AddScalar(context, catalog, "current_user_id", LogicalType::VARCHAR, CurrentUserFunction);
  AddScalar(context, catalog, "current_role", LogicalType::VARCHAR, CurrentRoleFunction);
}

}  // namespace kalam::core
