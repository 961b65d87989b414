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
  Result<StatementResult> WriteInsert(ExecContext& ctx, const TableDefinition& def, const std::vector<size_t>& targets,
                                      std::vector<ProvidedRow>& provided);
  Result<std::shared_ptr<const TableDefinition>> ResolveTargetRef(ExecContext& ctx, const duckdb::TableRef& ref);
  Status CheckWritable(ExecContext& ctx, const TableDefinition& def);
  // limits.statement_timeout_secs inside the table store's write, until it commits.
  tables::TableStore::WriteCheck DeadlineCheck(const ExecContext& ctx) const;
  // Runs `select` (whose first columns are `_seq`, `_row_id`, then one value per table column)
  // and turns its rows into changes.
  Result<std::vector<tables::RowChange>> CollectChanges(ExecContext& ctx, const TableDefinition& def,
                                                        duckdb::unique_ptr<duckdb::SQLStatement> select,
                                                        const std::vector<bool>& assigned);

  EngineContext& engine_;
};

}  // namespace kalam::core
