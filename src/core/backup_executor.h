#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// BACKUP DATABASE / RESTORE DATABASE (admin; docs/backup.md). The statement checks the
// directory rules and what it can see now (the namespace, an empty target), then queues a
// `backup` or `restore` job and answers "<Backup|Restore> of <namespace 'app'|database>
// started. Job ID: <BK|RS>-…". Embedded without a job submitter the job runs inline and the
// answer carries its outcome. `engine` must outlive it.
class BackupExecutor {
 public:
  explicit BackupExecutor(EngineContext& engine) : engine_(engine) {}

  static Status Precheck(Role role, const dialect::KalamStatement& statement);

  Result<StatementResult> Backup(ExecContext& ctx, const dialect::BackupDatabaseStmt& s);
  Result<StatementResult> Restore(ExecContext& ctx, const dialect::RestoreDatabaseStmt& s);

 private:
  EngineContext& engine_;
};

}  // namespace kalam::core
