#include "scan_hints.h"

#include <algorithm>

#include "kalam/tables/value_coercion.h"

namespace kalam::core {
namespace {

// `seq - 1` without overflowing at INT64_MIN (no stored `_seq` is negative anyway).
SeqId SeqBefore(SeqId seq) { return seq == INT64_MIN ? INT64_MIN : seq - 1; }

}  // namespace

void ScanHints::Add(const TableDefinition& def, duckdb::idx_t column, duckdb::ExpressionType op,
                    const duckdb::Value& value) {
  if (value.IsNull()) return;
  if (column == def.columns.size()) {  // _seq
    duckdb::Value as_bigint;
    std::string error;
    if (!value.DefaultTryCastAs(duckdb::LogicalType::BIGINT, as_bigint, &error, /*strict=*/true)) return;
    const SeqId seq = as_bigint.GetValue<int64_t>();
    switch (op) {
      case duckdb::ExpressionType::COMPARE_GREATERTHAN: min_seq_exclusive = std::max(min_seq_exclusive, seq); break;
      case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO:
        min_seq_exclusive = std::max(min_seq_exclusive, SeqBefore(seq));
        break;
      case duckdb::ExpressionType::COMPARE_LESSTHAN:
        max_seq_inclusive = std::min(max_seq_inclusive, SeqBefore(seq));
        break;
      case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
        max_seq_inclusive = std::min(max_seq_inclusive, seq);
        break;
      case duckdb::ExpressionType::COMPARE_EQUAL:
        min_seq_exclusive = std::max(min_seq_exclusive, SeqBefore(seq));
        max_seq_inclusive = std::min(max_seq_inclusive, seq);
        break;
      default: break;
    }
    return;
  }
  if (column >= def.columns.size()) return;
  const auto pk = def.PrimaryKeyIndex();
  if (pk && column == *pk && op == duckdb::ExpressionType::COMPARE_EQUAL) {
    auto coerced = tables::CoerceToColumn(value, def.columns[*pk]);
    if (coerced.ok()) primary_key = std::move(coerced).value();
  }
  auto coerced = tables::CoerceToColumn(value, def.columns[column]);
  if (coerced.ok() && tables::ColdComparison::Supported(op)) {
    column_comparisons.push_back(tables::ColdComparison{static_cast<uint32_t>(column), op, std::move(coerced).value()});
  }
}

}  // namespace kalam::core
