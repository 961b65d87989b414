#include "kalam_statement_router.h"

#include "alter_executor.h"
#include "audit_recorder.h"
#include "backup_executor.h"
#include "compact_executor.h"
#include "ddl_executor.h"
#include "export_executor.h"
#include "flush_executor.h"
#include "overloaded.h"
#include "storage_check.h"
#include "storage_executor.h"
#include "user_executor.h"

namespace kalam::core {
namespace {

// The checks each executor makes on the role alone.
Status CheckRole(Role role, const dialect::KalamStatement& statement) {
  KALAM_RETURN_IF_ERROR(DdlExecutor::Precheck(role, statement));
  KALAM_RETURN_IF_ERROR(ExportExecutor::Precheck(role, statement));
  KALAM_RETURN_IF_ERROR(BackupExecutor::Precheck(role, statement));
  return StorageExecutor::Precheck(role, statement);
}

}  // namespace

Status PrecheckKalamStatement(const UserId& actor, Role role, const dialect::KalamStatement& statement) {
  KALAM_RETURN_IF_ERROR(CheckRole(role, statement));
  return UserExecutor::Precheck(actor, role, statement);
}

Result<StatementResult> RunKalamStatement(EngineContext& engine, ExecContext& ctx,
                                          const dialect::KalamStatement& statement) {
  KALAM_RETURN_IF_ERROR(CheckRole(ctx.acting_role, statement));
  DdlExecutor ddl(engine);
  auto result = std::visit(Overloaded{
                        [&](const dialect::CreateNamespaceStmt& s) { return ddl.CreateNamespace(ctx, s); },
                        [&](const dialect::DropNamespaceStmt& s) { return ddl.DropNamespace(ctx, s); },
                        [&](const dialect::UseNamespaceStmt& s) { return ddl.Use(ctx, s); },
                        [&](const dialect::CreateTableStmt& s) { return ddl.CreateTable(ctx, s); },
                        [&](const dialect::DropTableStmt& s) { return ddl.DropTable(ctx, s); },
                        [&](const dialect::AlterTableStmt& s) { return AlterExecutor(engine).AlterTable(ctx, s); },
                        [&](const dialect::AlterNamespaceStmt& s) {
                          return AlterExecutor(engine).AlterNamespace(ctx, s);
                        },
                        [&](const dialect::ShowNamespacesStmt&) { return ddl.ShowNamespaces(ctx); },
                        [&](const dialect::ShowTablesStmt& s) { return ddl.ShowTables(ctx, s); },
                        [&](const dialect::DescribeTableStmt& s) { return ddl.Describe(ctx, s); },
                        [&](const dialect::ShowStatsStmt& s) { return ddl.ShowStats(ctx, s); },
                        [&](const dialect::KillLiveQueryStmt& s) { return ddl.KillLiveQuery(ctx, s); },
                        [&](const dialect::SubscribeStmt& s) { return ddl.Subscribe(ctx, s); },
                        [&](const dialect::ExecuteAsStmt&) -> Result<StatementResult> {
                          return Status::Internal("EXECUTE AS reached the statement router");
                        },
                        [&](const dialect::CreateUserStmt& s) { return UserExecutor(engine).Create(ctx, s); },
                        [&](const dialect::AlterUserStmt& s) { return UserExecutor(engine).Alter(ctx, s); },
                        [&](const dialect::DropUserStmt& s) { return UserExecutor(engine).Drop(ctx, s); },
                        [&](const dialect::FlushTableStmt& s) { return FlushExecutor(engine).FlushTable(ctx, s); },
                        [&](const dialect::FlushAllStmt& s) { return FlushExecutor(engine).FlushAll(ctx, s); },
                        [&](const dialect::KillJobStmt& s) { return FlushExecutor(engine).KillJob(ctx, s); },
                        [&](const dialect::CompactTableStmt& s) { return CompactExecutor(engine).CompactTable(ctx, s); },
                        [&](const dialect::CompactAllStmt& s) { return CompactExecutor(engine).CompactAll(ctx, s); },
                        [&](const dialect::CreateStorageStmt& s) { return StorageExecutor(engine).Create(ctx, s); },
                        [&](const dialect::AlterStorageStmt& s) { return StorageExecutor(engine).Alter(ctx, s); },
                        [&](const dialect::DropStorageStmt& s) { return StorageExecutor(engine).Drop(ctx, s); },
                        [&](const dialect::ShowStoragesStmt&) { return StorageExecutor(engine).Show(ctx); },
                        [&](const dialect::StorageCheckStmt& s) { return StorageCheck(engine).Run(ctx, s); },
                        [&](const dialect::ExportUserDataStmt& s) {
                          return ExportExecutor(engine).ExportUserData(ctx, s);
                        },
                        [&](const dialect::BackupDatabaseStmt& s) { return BackupExecutor(engine).Backup(ctx, s); },
                        [&](const dialect::RestoreDatabaseStmt& s) { return BackupExecutor(engine).Restore(ctx, s); },
                    },
                    statement);
  if (result.ok()) RecordStatementAudit(engine, ctx, statement);
  return result;
}

}  // namespace kalam::core
