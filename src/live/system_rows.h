#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/core/engine.h"
#include "kalam/core/versioned_row.h"

namespace kalam::live {

// A system table seen as a table definition (its first column is the key), so that a
// subscription filters and projects it like any other table. NotFound for an unknown name.
Result<std::shared_ptr<const TableDefinition>> SystemTableDefinition(std::string_view name);

// The system table's current rows in key order, as versions with `_seq` 0.
Result<std::vector<core::VersionedRow>> SystemTableRows(core::Engine& engine, const TableDefinition& def);

}  // namespace kalam::live
