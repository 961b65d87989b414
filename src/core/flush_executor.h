#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/core/job_parameters.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// FLUSH TABLE / FLUSH ALL TABLES / their STORAGE forms, and KILL JOB (docs/sql-reference.md).
// With a job submitter (the server) a flush is queued as a job and the statement answers
// with its id; embedded without one, the flush runs inline. `engine` must outlive it.
class FlushExecutor {
 public:
  explicit FlushExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> FlushTable(ExecContext& ctx, const dialect::FlushTableStmt& s);
  Result<StatementResult> FlushAll(ExecContext& ctx, const dialect::FlushAllStmt& s);
  Result<StatementResult> KillJob(ExecContext& ctx, const dialect::KillJobStmt& s);

  // Runs a flush job. Completes with the message "Flushed N row(s) to M file(s)".
  static Result<JobOutcome> RunFlushJob(EngineContext& engine, const FlushJobParams& params,
                                        const std::atomic<bool>* cancel = nullptr);

 private:
  // Queues (or runs) the flush of one table and answers its message (docs/sql-reference.md).
  // `*started` says whether a flush began; `*job_id`, when given, receives the queued job.
  Result<std::string> StartFlush(const std::shared_ptr<const TableDefinition>& def, bool* started,
                                 std::optional<JobId>* job_id = nullptr);

  EngineContext& engine_;
};

}  // namespace kalam::core
