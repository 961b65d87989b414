#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/scan_projection.h"
#include "query_state.h"
#include "scan_hints.h"

namespace kalam::core {

// A read simple enough to run without DuckDB's binder, planner and executor (whose fixed
// cost is most of a "last N messages" request): one USER or SHARED table, plain columns or
// `*`, a WHERE of `column <op> constant` conditions joined by AND, an optional ORDER BY
// `_seq` and an optional constant LIMIT/OFFSET. Everything else goes to DuckDB, which also
// answers every error, so a direct read only ever runs a statement DuckDB would accept and
// returns what DuckDB would return (same columns, types and rows in the same order).
struct DirectReadPlan {
  enum class Order : uint8_t { kNone, kSeqAscending, kSeqDescending };

  // One `column <op> value` condition; `value` has the column's type (BIGINT for `_seq`).
  struct Condition {
    tables::ScanColumn column;
    size_t position = 0;  // of the column in `projection`
    duckdb::ExpressionType op = duckdb::ExpressionType::COMPARE_EQUAL;
    duckdb::Value value;
    std::string text;  // as EXPLAIN shows it
  };

  std::shared_ptr<const TableDefinition> def;
  // The answer's columns first (`output_names`), then any column only a condition reads.
  tables::ScanProjection projection;
  std::vector<std::string> output_names;
  std::vector<Condition> conditions;
  ScanHints hints;
  Order order = Order::kNone;
  std::optional<uint64_t> limit;
  uint64_t offset = 0;
};

// The direct plan for `statement` (a SELECT) with request parameters `params`, as `state`'s
// acting user would run it, or nothing when DuckDB must run it: another shape, a table that
// does not exist, a SHARED table the user may not read, parameters that do not fit, or a
// mention of `_deleted`.
std::optional<DirectReadPlan> MatchDirectRead(const duckdb::SQLStatement& statement, const QueryState& state,
                                              const std::vector<duckdb::Value>& params);

}  // namespace kalam::core
