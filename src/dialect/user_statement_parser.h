#pragma once

#include <string>

#include "cursor.h"
#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// A user name: 'quoted' (kept as written) or bare (folded to lowercase), docs/sql-reference.md;
// validated as a user id.
Result<std::string> ParseUserName(Cursor& cur);

// CREATE USER / ALTER USER / DROP USER, with the cursor at CREATE, ALTER or DROP.
Result<KalamStatement> ParseUserStatement(Cursor& cur);

}  // namespace kalam::dialect
