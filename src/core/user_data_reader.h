#pragma once

#include <functional>

#include "engine_context.h"
#include "kalam/commons/user_record.h"
#include "kalam/core/user_data_export.h"

namespace kalam::core {

// Reads one user's data for an export (docs/user-data-export.md): every USER and STREAM table,
// through the same read path the user's own SELECTs take, on a connection of its own acting as
// that user, so hot and cold rows merge and tombstones stay hidden exactly as they do for the
// user. Tables are read one after another, each as of the moment its read starts, and each read
// is bounded by limits.statement_timeout_secs; the rows of all tables together by
// limits.max_export_bytes (ExportTooLarge).

// The user an export names: NotFound "User 'x' not found" when absent or soft-deleted.
Result<UserRecord> ExportSubject(EngineContext& engine, const UserId& user);

// Calls `visit` with each table in which `user` has rows, in catalog order, and stops at the
// first failure (the visitor's or the read's).
Status ReadUserData(EngineContext& engine, const UserRecord& user, const std::function<Status(ExportedTable&)>& visit);

}  // namespace kalam::core
