#pragma once

#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

#include "cursor.h"

namespace kalam::dialect {

// Parses CREATE [USER|SHARED|STREAM] TABLE ... (docs/sql-reference.md) with `cursor` at CREATE:
// columns with their types, NULL/DEFAULT/PRIMARY KEY/identity, table-level PRIMARY KEY,
// then seed clauses and WITH options in any order. The whole statement must be consumed.
Result<CreateTableStmt> ParseCreateTable(Cursor& cursor);

}  // namespace kalam::dialect
