#pragma once

#include "cursor.h"
#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// STORAGE COMPACT TABLE [ns.]t | STORAGE COMPACT ALL [IN [NAMESPACE] ns] (docs/sql-reference.md),
// with the cursor at STORAGE.
Result<KalamStatement> ParseCompactStatement(Cursor& cur);

}  // namespace kalam::dialect
