#pragma once

#include <string_view>

#include "kalam/commons/result.h"
#include "kalam/system/row_set.h"

namespace kalam::core {

struct EngineContext;

// The content of the system tables (system.users, system.jobs, system.stats, ...), built
// from the engine's state when a query or a live subscription reads one. Each table has one
// builder; a table without one (a name SystemTables knows but this engine keeps nothing for)
// reads as empty.

// Rows of system table `name` (lowercase, without "system."); the caller checks the role.
Result<system::RowSet> BuildSystemRowSet(EngineContext& engine, std::string_view name);

}  // namespace kalam::core
