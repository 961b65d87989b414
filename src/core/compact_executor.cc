#include "compact_executor.h"

#include "kalam/commons/clock.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/names.h"
#include "kalam/core/job_parameters.h"
#include "maintenance_jobs.h"
#include "row_set_result.h"
#include "table_job_fan_out.h"

namespace kalam::core {
namespace {

Status CheckCompactRole(Role role) {
  if (role == Role::kUser) {
    return Status::PermissionDenied("Access denied: Role 'user' cannot compact tables. Requires 'service' or above.");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CompactExecutor::StartCompaction(const std::shared_ptr<const TableDefinition>& def, bool* started,
                                                     std::optional<JobId>* job_id) {
  const std::string name = def->id.ToString();
  *started = false;
  if (def->type == TableType::kStream) return Status::InvalidOperation("STREAM tables are not compacted");
  KALAM_ASSIGN_OR_RETURN(auto scopes, engine_.cold->compaction().ScopesToCompact(*def, 2));
  if (scopes.empty()) return "Storage compaction skipped: no scope of table '" + name + "' has two or more segments";
  const CompactJobParams params{def->id, 2};
  if (engine_.jobs == nullptr) {
    KALAM_ASSIGN_OR_RETURN(JobOutcome outcome, MaintenanceJobs::RunCompaction(engine_, params, NowMicros()));
    *started = !outcome.skipped;
    return "Storage compaction completed for table '" + name + "': " + outcome.message;
  }
  KALAM_ASSIGN_OR_RETURN(JobSubmission job,
                         engine_.jobs->Submit(JobType::kCompact, "compact:" + name, params.ToJson()));
  *started = !job.already_active;
  if (job_id != nullptr) *job_id = job.id;
  if (job.already_active) {
    return "Storage compaction already queued or running for table '" + name + "'. Job ID: " + job.id.str();
  }
  return "Storage compaction started for table '" + name + "'. Job ID: " + job.id.str();
}

Result<StatementResult> CompactExecutor::CompactTable(ExecContext& ctx, const dialect::CompactTableStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckCompactRole(ctx.acting_role));
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  if (ns.str() == kSystemNamespace) return Status::InvalidOperation("System tables are not compacted");
  const TableId id{ns, s.table.table_name};
  auto def = engine_.registry->FindTable(id);
  if (!def) return Status::NotFound("Table " + id.ToString() + " does not exist");
  bool started = false;
  KALAM_ASSIGN_OR_RETURN(std::string message, StartCompaction(def, &started));
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

Result<StatementResult> CompactExecutor::CompactAll(ExecContext& ctx, const dialect::CompactAllStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckCompactRole(ctx.acting_role));
  if (s.in_namespace && !engine_.registry->NamespaceExists(*s.in_namespace)) {
    return NamespaceNotFound(s.in_namespace->str());
  }
  auto tables = s.in_namespace ? engine_.registry->ListTables(*s.in_namespace) : engine_.registry->ListTables();
  KALAM_ASSIGN_OR_RETURN(
      std::string message,
      StartForEveryTable(tables, "Storage compaction", "Storage compaction skipped: nothing to compact",
                         [this](const auto& def, bool* started, std::optional<JobId>* job) {
                           return StartCompaction(def, started, job);
                         }));
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

}  // namespace kalam::core
