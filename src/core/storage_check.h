#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// STORAGE CHECK id [EXTENDED] (docs/object-storage.md), admin-only. Answers one row per
// check, columns `check`, `status` ("ok" or "failed") and `detail`:
//  - access: list, put, get and delete of a probe object (s3) or file (filesystem), one row
//    per step, so that a policy that allows reads but not deletes shows as such;
//  - EXTENDED: one row per manifest of every table on the storage, "failed" when a
//    committed segment it names is missing or has another size than the manifest records.
// A failed check is a result, not an error: the statement fails only when the storage does
// not exist or cannot be opened. `engine` must outlive it.
class StorageCheck {
 public:
  explicit StorageCheck(EngineContext& engine) : engine_(engine) {}
  Result<StatementResult> Run(ExecContext& ctx, const dialect::StorageCheckStmt& s);

 private:
  EngineContext& engine_;
};

}  // namespace kalam::core
