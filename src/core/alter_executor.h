#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// Runs ALTER TABLE and ALTER NAMESPACE (docs/sql-reference.md). An ALTER TABLE is a
// metadata change: it stores the next schema version in one atomic catalog write and
// rewrites no row; rows and segments of older versions are projected on read by column id
// (RowProjector, ColdQuery). Subscriptions on the table end with "Schema changed;
// resubscribe". Stateless apart from the engine it borrows. Thread-safe.
class AlterExecutor {
 public:
  explicit AlterExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> AlterTable(ExecContext& ctx, const dialect::AlterTableStmt& s);
  Result<StatementResult> AlterNamespace(ExecContext& ctx, const dialect::AlterNamespaceStmt& s);

 private:
  // Applies the statement's change to `def` (a copy of the current definition).
  Status Apply(const dialect::AlterTableStmt& s, TableDefinition* def);
  Status AddColumn(const dialect::AlterTableStmt& s, TableDefinition* def);
  Status ModifyColumn(const dialect::AlterTableStmt& s, ColumnDefinition* column, const TableDefinition& def);
  Status SetOptions(const dialect::AlterTableStmt& s, TableDefinition* def);
  // Whether the table holds any row version, hot or cold, in any scope.
  Result<bool> HasRows(const TableDefinition& def);

  EngineContext& engine_;
};

// Whether values of `from` convert to `to` without loss, so old rows and segments can be
// read as `to` (MODIFY COLUMN): SMALLINT→INT→BIGINT, SMALLINT/INT→DOUBLE, FLOAT→DOUBLE,
// DECIMAL(p,s)→DECIMAL(p',s) with p' ≥ p, and anything but BYTES to TEXT.
bool IsWideningConversion(const DataType& from, const DataType& to);

}  // namespace kalam::core
