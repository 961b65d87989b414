#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "duckdb/main/client_context_state.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/commons/status.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/transaction.h"

namespace duckdb {
class ClientContext;
}

namespace kalam::core {

struct EngineContext;

// Per-connection state that DuckDB callbacks (replacement scan, table functions, UDFs) read
// while a statement runs: who is acting and what the statement may see. Set by the engine
// before each statement; the scan reads the acting user when it starts, not when the plan
// was bound, so a prepared plan never leaks one user's rows to another.
class QueryState : public duckdb::ClientContextState {
 public:
  static constexpr const char* kKey = "kalam_query_state";
  static QueryState& Get(duckdb::ClientContext& context);

  explicit QueryState(EngineContext& engine) : engine(engine) {}

  EngineContext& engine;
  UserId acting_user;
  Role acting_role = Role::kUser;
  NamespaceId current_namespace{"default"};
  // The statement's WHERE mentions `_deleted`: tombstones are visible (docs/sql-reference.md).
  bool include_tombstones = false;
  // The statement runs under EXECUTE AS USER (SHARED tables are then refused).
  bool impersonating = false;
  // Set by the plan guard (plan_guard.h) when it has checked the plan DuckDB is about to run;
  // cleared before each DuckDB statement.
  std::atomic<bool> plan_checked{false};
  // The request's open transaction (BEGIN ... COMMIT), if any: writes are staged in it and
  // scans read through it. Set and cleared by the engine between statements.
  tables::Transaction* transaction = nullptr;
  // One consistent view of the hot tier per statement, taken when its first scan starts
  // (with the open transaction's writes over it).
  std::shared_ptr<const store::Snapshot> StatementSnapshot();

  // Written by bind callbacks, possibly from DuckDB worker threads.
  std::mutex mu;
  std::vector<std::shared_ptr<const TableDefinition>> bound_tables;  // guarded by mu
  // First failure a bind callback raised (permission, EXECUTE AS on SHARED); guarded by mu.
  Status bind_error;
  std::shared_ptr<const store::Snapshot> snapshot;  // guarded by mu
  // The request parameter (1-based) that the statement's failure blames, if any (see
  // InvalidParameter in exec_context.h). Written by the statement's own thread only.
  std::optional<size_t> invalid_parameter;

  void BeginStatement();
  void RecordBound(std::shared_ptr<const TableDefinition> def);
  void RecordBindError(const Status& status);
};

}  // namespace kalam::core
