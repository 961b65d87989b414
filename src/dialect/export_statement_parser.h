#pragma once

#include "cursor.h"
#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// EXPORT USER DATA <'name' | name> TO '<dir>', with the cursor at EXPORT. The directory must
// be quoted and pass CheckTargetPath (kalam/commons/target_path.h).
Result<KalamStatement> ParseExportUserData(Cursor& cur);

}  // namespace kalam::dialect
