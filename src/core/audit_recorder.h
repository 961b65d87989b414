#pragma once

#include <string_view>

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/commons/audit.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// Turns what the engine did into system.audit_log entries (docs/operations.md#audit-log): the
// actor is the session's authenticated user, the IP address and request id are the session's
// client's. A failure to store an entry is logged nowhere and never fails the statement that
// already committed; the audit log is a record, not a gate.

// After a KalamDB statement succeeded: its entry, when it is one of the audited actions.
void RecordStatementAudit(EngineContext& engine, const ExecContext& ctx, const dialect::KalamStatement& statement);
// After an EXECUTE AS USER statement ran (successfully or not: the attempt is the event).
void RecordExecuteAs(EngineContext& engine, const Session& session, const UserId& subject, bool succeeded);

}  // namespace kalam::core
