#pragma once

#include <memory>
#include <vector>

#include "kalam/commons/clock.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"

namespace duckdb {
class ParsedExpression;
class Value;
}  // namespace duckdb

namespace kalam::live {

namespace internal {
struct FilterProgram;
}  // namespace internal

// The WHERE clause of a live-query subscription (docs/live-queries.md), compiled once and then
// evaluated natively against every changed row version, without running SQL.
//
// Compile() type-checks the parsed expression against the table definition, converts literals
// compared with a column to the column's type (the coercion rules of docs/value-encoding.md, as the SQL path applies
// them), folds constant subexpressions (INTERVAL literals, CAST of literals, CURRENT_USER())
// and produces an immutable tree of typed nodes. Matches() walks that tree with SQL
// three-valued logic; only TRUE counts as a match. NOW() is read once per Matches() call.
//
// Supported: AND, OR, NOT; = <> != < <= > >=, IS [NOT] DISTINCT FROM; [NOT] IN (list);
// [NOT] BETWEEN; [NOT] LIKE / ILIKE [ESCAPE c]; IS [NOT] NULL; + - * / // % and unary minus
// over integers, doubles, decimals, timestamps, dates and intervals; literals; INTERVAL;
// CAST / TRY_CAST to numeric, boolean and temporal types (any type for literals); trunc();
// NOW(), CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_USER[()], CURRENT_USER_ID(); column
// references, optionally qualified with the table name (`t.col`, `ns.t.col`), and the system
// column `_seq`.
// Anything else is Unsupported; an unknown column or a type error is InvalidArgument.
//
// Copies share the compiled program (immutable), so copying is cheap. Matches() is const and
// allocates nothing except ILIKE's per-thread lowercasing buffers (when they grow); it is safe
// to call concurrently from any number of threads. LIKE and ILIKE cost time linear in text and
// pattern unless a segment between `%`s holds `_` or an escape (like_matcher.h).
class RowFilter {
 public:
  // A filter that matches every row.
  RowFilter();

  // `where` null = matches every row. Column references resolve case-insensitively against
  // def.columns (names are stored lowercase) plus the system column `_seq` (BIGINT).
  // `subscriber` is what CURRENT_USER() returns; NOW() reads `clock`, which must outlive the
  // filter. Nothing else passed in needs to outlive the call.
  static Result<RowFilter> Compile(const duckdb::ParsedExpression* where, const TableDefinition& def,
                                   const UserId& subscriber, const Clock& clock = ProcessClock());

  // `row`: one duckdb::Value per def.columns entry, already of the column's type
  // (tables::ToLogicalType(col.type)); `seq`: the version's _seq. A value of another type, or
  // a missing one, reads as NULL.
  bool Matches(const std::vector<duckdb::Value>& row, SeqId seq) const;

  // True when every row matches (no WHERE, or one that folds to TRUE).
  bool matches_all() const { return program_ == nullptr; }

 private:
  RowFilter(std::shared_ptr<const internal::FilterProgram> program, const Clock& clock);

  // Null = matches all. Shared by copies; never modified after Compile().
  std::shared_ptr<const internal::FilterProgram> program_;
  const Clock* clock_ = &ProcessClock();
};

}  // namespace kalam::live
