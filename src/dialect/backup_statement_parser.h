#pragma once

#include "cursor.h"
#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// BACKUP DATABASE [ns] TO '<dir>' | RESTORE DATABASE [ns] FROM '<dir>' (docs/backup.md), with
// the cursor at BACKUP or RESTORE. Only the syntax is checked here; the directory rules are
// the engine's.
Result<KalamStatement> ParseBackupStatement(Cursor& cur);

}  // namespace kalam::dialect
