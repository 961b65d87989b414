#include "backup_executor.h"

#include "backup_job.h"
#include "backup_paths.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "overloaded.h"
#include "restore_job.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

std::string Subject(const std::optional<NamespaceId>& ns) {
  return ns ? "namespace '" + ns->str() + "'" : std::string("database");
}

Status CheckNamespaceArgument(const std::optional<NamespaceId>& ns) {
  if (ns && ns->str() == kSystemNamespace) {
    return Status::InvalidOperation("The system namespace is backed up and restored only with the whole database");
  }
  return Status::Ok();
}

}  // namespace

Status BackupExecutor::Precheck(Role role, const dialect::KalamStatement& statement) {
  return std::visit(Overloaded{
                        [&](const dialect::BackupDatabaseStmt&) { return auth::CheckAdminStatement(role, "back up databases"); },
                        [&](const dialect::RestoreDatabaseStmt&) { return auth::CheckAdminStatement(role, "restore databases"); },
                        [&](const auto&) { return Status::Ok(); },
                    },
                    statement);
}

Result<StatementResult> BackupExecutor::Backup(ExecContext& ctx, const dialect::BackupDatabaseStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckNamespaceArgument(s.namespace_id));
  KALAM_ASSIGN_OR_RETURN(std::string directory, CheckBackupDirectory(s.path, BackupDirection::kBackup));
  if (s.namespace_id && !engine_.registry->NamespaceExists(*s.namespace_id)) {
    return NamespaceNotFound(s.namespace_id->str());
  }
  KALAM_RETURN_IF_ERROR(CheckBackupTargetIsFree(directory));
  const BackupJobParams params{s.namespace_id, directory};
  if (engine_.jobs == nullptr) {
    KALAM_ASSIGN_OR_RETURN(JobOutcome outcome, BackupJob::Run(engine_, params));
    return MessageResult("Backup of " + Subject(s.namespace_id) + " completed: " + outcome.message, 0, ctx.acting_user);
  }
  // One job per target directory at a time.
  KALAM_ASSIGN_OR_RETURN(JobSubmission job, engine_.jobs->Submit(JobType::kBackup, "backup:" + directory, params.ToJson()));
  if (job.already_active) {
    return Status::AlreadyExists("A backup into '" + directory + "' is already queued or running. Job ID: " +
                                 job.id.str());
  }
  return MessageResult("Backup of " + Subject(s.namespace_id) + " started. Job ID: " + job.id.str(), 0,
                       ctx.acting_user);
}

Result<StatementResult> BackupExecutor::Restore(ExecContext& ctx, const dialect::RestoreDatabaseStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckNamespaceArgument(s.namespace_id));
  if (!s.namespace_id) return Status::Unsupported("Not supported yet: RESTORE DATABASE of a whole server");
  KALAM_ASSIGN_OR_RETURN(std::string directory, CheckBackupDirectory(s.path, BackupDirection::kRestore));
  KALAM_RETURN_IF_ERROR(CheckRestoreSourceExists(directory));
  if (engine_.registry->NamespaceExists(*s.namespace_id)) {
    return Status::AlreadyExists("Namespace '" + s.namespace_id->str() + "' already exists; drop it before restoring it");
  }
  const BackupJobParams params{s.namespace_id, directory};
  if (engine_.jobs == nullptr) {
    KALAM_ASSIGN_OR_RETURN(JobOutcome outcome, RestoreJob::Run(engine_, params));
    return MessageResult("Restore of " + Subject(s.namespace_id) + " completed: " + outcome.message, 0,
                         ctx.acting_user);
  }
  // One restore of a namespace at a time.
  KALAM_ASSIGN_OR_RETURN(JobSubmission job,
                         engine_.jobs->Submit(JobType::kRestore, "restore:" + s.namespace_id->str(), params.ToJson()));
  if (job.already_active) {
    return Status::AlreadyExists("A restore of namespace '" + s.namespace_id->str() +
                                 "' is already queued or running. Job ID: " + job.id.str());
  }
  return MessageResult("Restore of " + Subject(s.namespace_id) + " started. Job ID: " + job.id.str(), 0,
                       ctx.acting_user);
}

}  // namespace kalam::core
