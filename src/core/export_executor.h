#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// EXPORT USER DATA 'alice' TO '/dir' (admin; docs/user-data-export.md): writes the user's rows
// of every USER and STREAM table, one Parquet file per table, and `manifest.json` listing
// tables, columns, row counts and each file's sha256. Runs synchronously within the statement:
// the manifest is written last (temp file + rename), so a directory without one is an export
// that did not finish.
class ExportExecutor {
 public:
  explicit ExportExecutor(EngineContext& engine) : engine_(engine) {}

  // The role check of the statement (admins only), before anything runs.
  static Status Precheck(Role role, const dialect::KalamStatement& statement);

  Result<StatementResult> ExportUserData(ExecContext& ctx, const dialect::ExportUserDataStmt& s);

 private:
  EngineContext& engine_;
};

}  // namespace kalam::core
