#pragma once

#include <optional>
#include <string_view>

#include "duckdb.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/commons/status.h"
#include "kalam/dialect/simple_insert.h"
#include "kalam/dialect/statements.h"
#include "kalam/dialect/transaction_control.h"

namespace kalam::core {

// One statement of a request after validation, ready to run: a statement of KalamDB's
// dialect, a plain INSERT ... VALUES the engine writes without DuckDB, or a standard statement
// DuckDB parsed (SELECT, INSERT, UPDATE, DELETE, EXPLAIN of a SELECT).
struct ParsedStatement {
  std::optional<dialect::KalamStatement> kalam;
  std::optional<dialect::SimpleInsertStmt> simple_insert;
  duckdb::unique_ptr<duckdb::SQLStatement> standard;
  // BEGIN, COMMIT or ROLLBACK: run by the engine's request loop (request_transaction.h).
  std::optional<dialect::TransactionControl> transaction;
};

// Parses and validates one statement for `actor` acting with `role`: its kind, and the role
// checks that need no stored state (an EXECUTE AS USER's inner statement included; `nested`
// is set for that inner statement, which may not be another EXECUTE AS).
Status ParseOne(std::string_view sql, const UserId& actor, Role role, ParsedStatement* out, bool nested = false);

}  // namespace kalam::core
