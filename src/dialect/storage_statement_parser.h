#pragma once

#include "cursor.h"
#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// CREATE STORAGE / ALTER STORAGE / DROP STORAGE (docs/sql-reference.md), with the cursor at
// CREATE, ALTER or DROP. Only the syntax is checked here: the storage id follows the
// identifier rules, each clause appears at most once, s3-only clauses only with TYPE s3.
// PATH splitting, template rules, JSON validity and the directory probe are the engine's.
Result<KalamStatement> ParseStorageStatement(Cursor& cur);

// STORAGE CHECK id [EXTENDED], with the cursor at STORAGE.
Result<KalamStatement> ParseStorageCheck(Cursor& cur);

}  // namespace kalam::dialect
