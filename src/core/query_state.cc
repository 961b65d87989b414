#include "query_state.h"

#include "duckdb/main/client_context.hpp"
#include "engine_context.h"

namespace kalam::core {

QueryState& QueryState::Get(duckdb::ClientContext& context) {
  auto state = context.registered_state->Get<QueryState>(kKey);
  // Not an InternalException: DuckDB treats those as fatal and invalidates the database.
  if (!state) throw duckdb::PermissionException("KalamDB functions need a KalamDB session");
  return *state;
}

void QueryState::BeginStatement() {
  std::lock_guard lock(mu);
  bound_tables.clear();
  bind_error = Status::Ok();
  include_tombstones = false;
  invalid_parameter.reset();
  snapshot.reset();
}

std::shared_ptr<const store::Snapshot> QueryState::StatementSnapshot() {
  std::lock_guard lock(mu);
  if (!snapshot) snapshot = transaction ? transaction->ReadView() : engine.backend->GetSnapshot();
  return snapshot;
}

void QueryState::RecordBound(std::shared_ptr<const TableDefinition> def) {
  std::lock_guard lock(mu);
  bound_tables.push_back(std::move(def));
}

void QueryState::RecordBindError(const Status& status) {
  std::lock_guard lock(mu);
  if (bind_error.ok()) bind_error = status;
}

}  // namespace kalam::core
