#pragma once

#include "duckdb/parser/statement/delete_statement.hpp"
#include "duckdb/parser/statement/insert_statement.hpp"
#include "duckdb/parser/statement/update_statement.hpp"
#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/simple_insert.h"

namespace kalam::core {

// INSERT, UPDATE and DELETE on KalamDB tables. DuckDB parses them; rows to write are
// computed natively (VALUES of literals and parameters) or by DuckDB running a SELECT built
// from the statement's own expression trees (no SQL text is generated); the writes go to
// the table store as one atomic batch. Thread-safe.
class DmlExecutor {
 public:
  explicit DmlExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> Insert(ExecContext& ctx, duckdb::InsertStatement& statement);
  // The fast path: literal VALUES rows, no DuckDB parse or plan.
  Result<StatementResult> InsertSimple(ExecContext& ctx, const dialect::SimpleInsertStmt& statement);
  Result<StatementResult> Update(ExecContext& ctx, duckdb::UpdateStatement& statement);
  Result<StatementResult> Delete(ExecContext& ctx, duckdb::DeleteStatement& statement);

  // The table a DML statement writes, resolved against the current namespace.
  Result<std::shared_ptr<const TableDefinition>> ResolveTarget(ExecContext& ctx, const std::string& schema,
                                                               const std::string& table);

 private:
  // One INSERT row's provided values in target-column order; empty = DEFAULT.
  using ProvidedRow = std::vector<std::optional<duckdb::Value>>;

  static Result<std::vector<size_t>> InsertTargets(const TableDefinition& def, const std::vector<std::string>& names);
  // `statement`, when given, may carry ON CONFLICT and RETURNING.
  Result<StatementResult> WriteInsert(ExecContext& ctx, const TableDefinition& def, const std::vector<size_t>& targets,
                                      std::vector<ProvidedRow>& provided, duckdb::InsertStatement* statement = nullptr);
  // INSERT ... ON CONFLICT (pk) DO NOTHING | DO UPDATE (dml_upsert.cc): `rows` are complete.
  Result<StatementResult> Upsert(ExecContext& ctx, const TableDefinition& def,
                                 std::vector<std::vector<duckdb::Value>>& rows, duckdb::InsertStatement& statement);
  Result<std::shared_ptr<const TableDefinition>> ResolveTargetRef(ExecContext& ctx, const duckdb::TableRef& ref);
  Status CheckWritable(ExecContext& ctx, const TableDefinition& def);
  // limits.statement_timeout_secs inside the table store's write, until it commits.
  tables::TableStore::WriteCheck DeadlineCheck(const ExecContext& ctx) const;
  // Runs `select` (whose first columns are `_seq`, `_row_id`, then one value per table column)
  // and turns its rows into changes.
  // UPDATE's SET list (also ON CONFLICT DO UPDATE's) checked against `def`: one expression
  // per table column (the assigned one, else the column itself), then the old values of the
  // assigned columns, which live queries report as `old_values`.
  static Status BuildAssignments(const TableDefinition& def, const duckdb::UpdateSetInfo& set,
                                 const std::string& alias,
                                 std::vector<duckdb::unique_ptr<duckdb::ParsedExpression>>* values,
                                 std::vector<bool>* assigned);
  Result<std::vector<tables::RowChange>> CollectChanges(ExecContext& ctx, const TableDefinition& def,
                                                        duckdb::unique_ptr<duckdb::SQLStatement> select,
                                                        const std::vector<bool>& assigned);

  EngineContext& engine_;
};

// The storage scope a statement writes in `def`: the acting user's rows, or "" for SHARED.
std::string ScopeFor(const ExecContext& ctx, const TableDefinition& def);

// Builds `SELECT _seq, _row_id, <values> FROM kalam_scan_for_write('ns.t') AS alias WHERE
// condition`, the query that finds the rows an UPDATE or DELETE changes (dml_executor.cc).
duckdb::unique_ptr<duckdb::SelectStatement> BuildWriteSelect(
    const TableDefinition& def, const std::string& alias,
    std::vector<duckdb::unique_ptr<duckdb::ParsedExpression>> values,
    duckdb::unique_ptr<duckdb::ParsedExpression> condition, const duckdb::CommonTableExpressionMap& ctes);

}  // namespace kalam::core
