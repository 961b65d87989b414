#pragma once

#include <vector>

#include "kalam/core/statement_result.h"
#include "query_state.h"

namespace kalam::core {

// Sets the flags of docs/http-api.md ("pk", "nn", "uq") on result columns that are plain
// columns of the single table the statement read (`state.bound_tables`).
void AssignFlags(std::vector<ResultColumn>& columns, QueryState& state);

}  // namespace kalam::core
