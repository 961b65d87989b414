#pragma once

#include <string>
#include <vector>

#include "duckdb.hpp"
#include "engine_context.h"
#include "exec_context.h"
#include "kalam/commons/table_definition.h"
#include "kalam/core/statement_result.h"

namespace kalam::core {

// One version a DML statement wrote, as RETURNING shows it. `values` (one per table column)
// must outlive the call it is passed to.
struct WrittenRow {
  const std::vector<duckdb::Value>* values = nullptr;
  SeqId seq = 0;
  bool deleted = false;
};

// The answer of `INSERT | UPDATE | DELETE ... RETURNING <list>`: rows like a SELECT's. DuckDB
// evaluates `list` (`*`, columns, any expression) over the written versions, which it reads as
// a VALUES list named like the target table (`alias`): the table's columns, then `_seq` and
// `_deleted`, which is what `SELECT *` shows.
Result<StatementResult> ReturningRows(EngineContext& engine, ExecContext& ctx, const TableDefinition& def,
                                      const std::string& alias,
                                      const duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>>& list,
                                      const std::vector<WrittenRow>& rows,
                                      const duckdb::case_insensitive_map_t<duckdb::idx_t>& named_params);

}  // namespace kalam::core
