#pragma once

#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

#include "cursor.h"
#include "table_options_builder.h"

namespace kalam::dialect {

// Parses CREATE [USER|SHARED|STREAM] TABLE ... (docs/sql-reference.md) with `cursor` at CREATE:
// columns with their types, NULL/DEFAULT/PRIMARY KEY/identity, table-level PRIMARY KEY,
// then seed clauses and WITH options in any order. The whole statement must be consumed.
Result<CreateTableStmt> ParseCreateTable(Cursor& cursor);

// The parts of a CREATE TABLE that ALTER TABLE shares (alter_table_parser.cc), each with the
// same rules and messages as inside CREATE TABLE:
// one column definition, `name TYPE [NOT NULL|NULL] [DEFAULT v] ...`;
Result<ColumnDefinition> ParseColumnDefinition(Cursor& cursor);
// the value after DEFAULT, for column `column`;
Result<DefaultValue> ParseColumnDefault(Cursor& cursor, const std::string& column);
// a `( key = value [, ...] )` option list as after WITH.
Status ParseTableOptionList(Cursor& cursor, TableOptionsBuilder* options);

}  // namespace kalam::dialect
