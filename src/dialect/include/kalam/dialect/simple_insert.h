#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// One value of a VALUES row that needs no expression evaluation.
struct InsertLiteral {
  enum class Kind : uint8_t { kNull, kDefault, kString, kInteger, kDecimal, kBool, kParameter, kBytes };
  Kind kind = Kind::kNull;
  std::string text;     // kString: unescaped text; kDecimal: the number as written; kBytes: the bytes
  int64_t integer = 0;  // kInteger
  bool boolean = false; // kBool
  size_t parameter = 0; // kParameter: 1-based $n
};

// `INSERT INTO [ns.]t [(c, ...)] VALUES (...), ...` whose values are all literals, NULL,
// DEFAULT or $n parameters: the common write, which the engine runs without DuckDB's
// parser and planner.
struct SimpleInsertStmt {
  TableRef table;
  std::vector<std::string> columns;  // lowercase; empty = all columns in order
  std::vector<std::vector<InsertLiteral>> rows;
  size_t distinct_parameters = 0;
};

// Parses `sql` as a SimpleInsertStmt; nullopt when it has any other shape (expressions,
// INSERT ... SELECT, RETURNING, ON CONFLICT, ...), which is then DuckDB's to parse.
std::optional<SimpleInsertStmt> ParseSimpleInsert(std::string_view sql);

}  // namespace kalam::dialect
