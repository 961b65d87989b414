#include "flush_executor.h"

#include <shared_mutex>

#include "kalam/auth/permissions.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/metrics.h"
#include "kalam/commons/names.h"
#include "row_set_result.h"
#include "table_job_fan_out.h"

namespace kalam::core {
namespace {

// Every successful flush passes here: it feeds the flush figures of GET /metrics.
std::string FlushedMessage(const tables::FlushOutcome& outcome) {
  ProcessMetrics().flush_rows.Add(outcome.rows);
  ProcessMetrics().flush_files.Add(outcome.files);
  return "Flushed " + std::to_string(outcome.rows) + " row(s) to " + std::to_string(outcome.files) + " file(s)";
}

Status CheckFlushRole(Role role) {
  if (role == Role::kUser) {
    return Status::PermissionDenied("Access denied: Role 'user' cannot flush tables. Requires 'service' or above.");
  }
  return Status::Ok();
}

// A failed flush changes nothing a reader sees (docs/cold-tier.md: the manifest is the commit
// point), so the answer says so and keeps the cause's code: Unavailable for a full disk.
Status FlushFailed(const TableId& id, const Status& cause) {
  return Status(cause.code(), "Flush of table '" + id.ToString() +
                                  "' failed; its rows stay in the hot tier and a later flush retries: " +
                                  cause.message());
}

// Flushes under the schema lock (EngineContext::schema_ddl_mu) with the definition current
// once it is held, so the segment's schema version is the newest any hot row can have.
Result<tables::FlushOutcome> FlushCurrent(EngineContext& engine, const TableId& id,
                                          const std::optional<UserId>& user = std::nullopt,
                                          const std::atomic<bool>* cancel = nullptr) {
  std::shared_lock schema_lock(engine.schema_ddl_mu);
  auto def = engine.registry->FindTable(id);
  if (!def) return tables::FlushOutcome{};
  return user ? engine.cold->FlushScope(def, user->str(), cancel) : engine.cold->FlushTable(def, cancel);
}

}  // namespace

Result<std::string> FlushExecutor::StartFlush(const std::shared_ptr<const TableDefinition>& def, bool* started,
                                              std::optional<JobId>* job_id) {
  const std::string name = def->id.ToString();
  *started = false;
  if (def->type == TableType::kStream) return Status::InvalidOperation("STREAM tables are not flushed");
  KALAM_ASSIGN_OR_RETURN(auto scopes, engine_.cold->ScopesWithHotRows(*def));
  if (scopes.empty()) return "Storage flush skipped: no pending writes for table '" + name + "'";
  if (engine_.jobs == nullptr) {
    auto outcome = FlushCurrent(engine_, def->id);
    if (!outcome.ok()) return FlushFailed(def->id, outcome.status());
    *started = true;
    return "Storage flush completed for table '" + name + "': " + FlushedMessage(outcome.value());
  }
  const std::string parameters = FlushJobParams{def->id, std::nullopt}.ToJson();
  KALAM_ASSIGN_OR_RETURN(JobSubmission job, engine_.jobs->Submit(JobType::kFlush, "flush:" + name, parameters));
  *started = !job.already_active;
  if (job_id != nullptr) *job_id = job.id;
  if (job.already_active) {
    return "Storage flush already queued or running for table '" + name + "'. Job ID: " + job.id.str();
  }
  return "Storage flush started for table '" + name + "'. Job ID: " + job.id.str();
}

Result<StatementResult> FlushExecutor::FlushTable(ExecContext& ctx, const dialect::FlushTableStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckFlushRole(ctx.acting_role));
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  if (ns.str() == kSystemNamespace) return Status::InvalidOperation("System tables are not flushed");
  const TableId id{ns, s.table.table_name};
  auto def = engine_.registry->FindTable(id);
  if (!def) return Status::NotFound("Table " + id.ToString() + " does not exist");
  bool started = false;
  KALAM_ASSIGN_OR_RETURN(std::string message, StartFlush(def, &started));
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

Result<StatementResult> FlushExecutor::FlushAll(ExecContext& ctx, const dialect::FlushAllStmt& s) {
  KALAM_RETURN_IF_ERROR(CheckFlushRole(ctx.acting_role));
  if (s.in_namespace && !engine_.registry->NamespaceExists(*s.in_namespace)) {
    return NamespaceNotFound(s.in_namespace->str());
  }
  auto tables = s.in_namespace ? engine_.registry->ListTables(*s.in_namespace) : engine_.registry->ListTables();
  KALAM_ASSIGN_OR_RETURN(std::string message,
                         StartForEveryTable(tables, "Storage flush", "Storage flush skipped: no pending writes",
                                            [this](const auto& def, bool* started, std::optional<JobId>* job) {
                                              return StartFlush(def, started, job);
                                            }));
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

Result<StatementResult> FlushExecutor::KillJob(ExecContext& ctx, const dialect::KillJobStmt& s) {
  KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(ctx.acting_role, "kill jobs"));
  if (engine_.jobs == nullptr) return Status::NotFound("Job '" + s.job_id + "' not found");
  std::string message;
  KALAM_RETURN_IF_ERROR(engine_.jobs->Kill(JobId(s.job_id), &message));
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

Result<JobOutcome> FlushExecutor::RunFlushJob(EngineContext& engine, const FlushJobParams& params,
                                              const std::atomic<bool>* cancel) {
  const TableId& id = params.table;
  if (!engine.registry->FindTable(id)) return JobOutcome::Skipped("table " + id.ToString() + " no longer exists");
  const Result<tables::FlushOutcome> outcome = FlushCurrent(engine, id, params.user, cancel);
  if (!outcome.ok()) return FlushFailed(id, outcome.status());
  return JobOutcome::Completed(FlushedMessage(outcome.value()));
}

}  // namespace kalam::core
