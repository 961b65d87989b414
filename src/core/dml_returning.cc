#include "dml_returning.h"

#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/expressionlistref.hpp"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "statement_runner.h"

namespace kalam::core {

Result<StatementResult> ReturningRows(EngineContext& engine, ExecContext& ctx, const TableDefinition& def,
                                      const std::string& alias,
                                      const duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>>& list,
                                      const std::vector<WrittenRow>& rows,
                                      const duckdb::case_insensitive_map_t<duckdb::idx_t>& named_params) {
  auto values = duckdb::make_uniq<duckdb::ExpressionListRef>();
  for (const ColumnDefinition& c : def.columns) {
    values->expected_names.push_back(c.name);
    values->expected_types.push_back(tables::ToLogicalType(c.type));
  }
  values->expected_names.emplace_back(kSeqColumn);
  values->expected_types.push_back(duckdb::LogicalType::BIGINT);
  values->expected_names.emplace_back(kDeletedColumn);
  values->expected_types.push_back(duckdb::LogicalType::BOOLEAN);
  auto add_row = [&](const std::vector<duckdb::Value>* cells, SeqId seq, bool deleted) {
    duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>> row;
    for (size_t c = 0; c < def.columns.size(); ++c) {
      duckdb::Value v = cells ? (*cells)[c] : duckdb::Value(values->expected_types[c]);
      // Typed NULLs and values alike keep the column's type, so every row agrees on it.
      if (v.IsNull()) v = duckdb::Value(values->expected_types[c]);
      row.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(std::move(v)));
    }
    row.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value::BIGINT(seq)));
    row.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value::BOOLEAN(deleted)));
    values->values.push_back(std::move(row));
  };
  for (const WrittenRow& r : rows) add_row(r.values, r.seq, r.deleted);
  auto node = duckdb::make_uniq<duckdb::SelectNode>();
  // A VALUES list cannot be empty: no row written is one row of NULLs that WHERE false drops.
  if (rows.empty()) {
    add_row(nullptr, 0, false);
    node->where_clause = duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value::BOOLEAN(false));
  }
  values->alias = alias;
  for (const auto& e : list) node->select_list.push_back(e->Copy());
  node->from_table = std::move(values);
  auto select = duckdb::make_uniq<duckdb::SelectStatement>();
  select->node = std::move(node);
  select->named_param_map = named_params;
  return RunSelect(engine, ctx, std::move(select));
}

}  // namespace kalam::core
