#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// The one place that maps a statement of KalamDB's dialect to the executor that runs it:
// catalog and live-query statements (DdlExecutor), users (UserExecutor), flushes and KILL JOB
// (FlushExecutor), storages (StorageExecutor). EXECUTE AS USER is the statement runner's
// (it wraps another statement) and never reaches the router. Stateless; thread-safe.

// Role checks of `statement` that need no stored state, for `actor` acting with `role`
// (docs/http-api.md step 6); run on every statement of a request before any of them runs.
Status PrecheckKalamStatement(const UserId& actor, Role role, const dialect::KalamStatement& statement);

// Runs `statement` as `ctx`'s acting user, after the role checks for the acting role.
Result<StatementResult> RunKalamStatement(EngineContext& engine, ExecContext& ctx,
                                          const dialect::KalamStatement& statement);

}  // namespace kalam::core
