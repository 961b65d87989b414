#pragma once

#include <optional>

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// Runs the catalog statements of KalamDB's dialect: namespaces, CREATE/DROP TABLE, USE,
// SHOW, DESCRIBE, and the live-query statements SUBSCRIBE TO (over HTTP) and KILL LIVE QUERY.
// The statement router (kalam_statement_router.h) picks the method. Stateless apart from the
// engine it borrows (which must outlive it). Thread-safe.
class DdlExecutor {
 public:
  explicit DdlExecutor(EngineContext& engine) : engine_(engine) {}

  // Role checks of these statements that need no catalog state (docs/http-api.md step 6);
  // Ok for any other statement.
  static Status Precheck(Role role, const dialect::KalamStatement& statement);

  Result<StatementResult> Subscribe(ExecContext& ctx, const dialect::SubscribeStmt& s);
  Result<StatementResult> KillLiveQuery(ExecContext& ctx, const dialect::KillLiveQueryStmt& s);
  Result<StatementResult> CreateNamespace(ExecContext& ctx, const dialect::CreateNamespaceStmt& s);
  Result<StatementResult> DropNamespace(ExecContext& ctx, const dialect::DropNamespaceStmt& s);
  Result<StatementResult> Use(ExecContext& ctx, const dialect::UseNamespaceStmt& s);
  Result<StatementResult> CreateTable(ExecContext& ctx, const dialect::CreateTableStmt& s);
  Result<StatementResult> DropTable(ExecContext& ctx, const dialect::DropTableStmt& s);
  Result<StatementResult> ShowNamespaces(ExecContext& ctx);
  Result<StatementResult> ShowTables(ExecContext& ctx, const dialect::ShowTablesStmt& s);
  Result<StatementResult> Describe(ExecContext& ctx, const dialect::DescribeTableStmt& s);
  Result<StatementResult> ShowStats(ExecContext& ctx, const dialect::ShowStatsStmt& s);

 private:

  // After a table's definition and hot rows are gone: removes its cold files inline when
  // `target` is empty (no job submitter), else moves them aside and queues a `cleanup` job,
  // returning its id (none when the submission failed and the files were removed inline).
  Result<std::optional<JobId>> RemoveColdFiles(const TableDefinition& def, const std::optional<tables::CleanupTarget>& target);

  Result<std::shared_ptr<const TableDefinition>> ResolveTable(ExecContext& ctx, const dialect::TableRef& ref);

  EngineContext& engine_;
};

// Whether `role` may read table `def` (SHARED access levels; USER/STREAM always own rows).
bool CanRead(Role role, const TableDefinition& def);

}  // namespace kalam::core
