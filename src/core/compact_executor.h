#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// STORAGE COMPACT TABLE / STORAGE COMPACT ALL (docs/sql-reference.md). With a job submitter
// (the server) each table whose scopes hold two or more segments gets a `compact` job and the
// statement answers with its id; embedded without one, the compaction runs inline.
// `engine` must outlive it.
class CompactExecutor {
 public:
  explicit CompactExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> CompactTable(ExecContext& ctx, const dialect::CompactTableStmt& s);
  Result<StatementResult> CompactAll(ExecContext& ctx, const dialect::CompactAllStmt& s);

 private:
  // Queues (or runs) the compaction of one table and answers its message. `*started` says
  // whether one began; `*job_id`, when given, receives the queued job.
  Result<std::string> StartCompaction(const std::shared_ptr<const TableDefinition>& def, bool* started,
                                      std::optional<JobId>* job_id = nullptr);

  EngineContext& engine_;
};

}  // namespace kalam::core
