#pragma once

#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

#include "cursor.h"

namespace kalam::dialect {

// Parses ALTER [USER|SHARED|STREAM] TABLE [ns.]t <one change> (docs/sql-reference.md) with
// `cursor` at ALTER. Column definitions and option lists follow CREATE TABLE's rules. The
// whole statement must be consumed.
Result<AlterTableStmt> ParseAlterTable(Cursor& cursor);

// ALTER NAMESPACE ns SET OPTIONS (k = v [, ...]) with `cursor` at ALTER.
Result<AlterNamespaceStmt> ParseAlterNamespace(Cursor& cursor);

}  // namespace kalam::dialect
