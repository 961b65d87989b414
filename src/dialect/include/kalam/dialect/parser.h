#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// Kind of a single statement, decided from its leading keywords.
enum class StatementClass {
  kKalam,     // one of the KalamStatement forms: parse with ParseKalamStatement
  kStandard,  // SELECT / WITH / VALUES / INSERT / UPDATE / DELETE / EXPLAIN / TABLE: DuckDB parses it
};

// Classifies one statement (as produced by SplitStatements). Statements that KalamDB knows
// but does not build yet (ALTER TABLE, CREATE USER, FLUSH, SUBSCRIBE, BACKUP, ...) are
// kKalam; ParseKalamStatement then answers Unsupported "Not supported yet: ...".
StatementClass ClassifyStatement(std::string_view sql);

// Parses one KalamDB statement. Errors are InvalidArgument with a message for the user
// (e.g. "Unknown table option 'FOO'", "Conflicting table type definitions"), or Unsupported
// with a message starting "Not supported yet: " for planned statements, or
// "Unsupported statement type: ..." for anything unrecognised.
Result<KalamStatement> ParseKalamStatement(std::string_view sql);

// Whether every table option named in `given` (upper-case WITH names) is valid for a table of
// `type`; InvalidArgument "TTL_SECONDS is only valid for STREAM tables" otherwise. CREATE
// TABLE checks this while parsing; ALTER TABLE only once the table's type is known.
Status CheckTableOptionsFor(TableType type, const std::vector<std::string>& given);

}  // namespace kalam::dialect
