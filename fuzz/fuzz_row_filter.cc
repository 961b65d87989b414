// libFuzzer target: the live-query row-filter compiler and evaluator (src/live/row_filter.*).
// The input is the WHERE clause of a subscription; it is parsed by DuckDB as the subscription
// path parses it, compiled against a table with one column of every type, and evaluated
// against a row of typical values and a row of NULLs.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "kalam/live/row_filter.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace {

using kalam::ColumnDefinition;
using kalam::DataType;
using kalam::TableDefinition;
using kalam::TypeKind;

struct Fixture {
  TableDefinition def;
  std::vector<duckdb::Value> values;
  std::vector<duckdb::Value> nulls;
};

ColumnDefinition Column(std::string name, DataType type) {
  ColumnDefinition column;
  column.name = std::move(name);
  column.type = type;
  return column;
}

Fixture MakeFixture() {
  Fixture f;
  f.def.id = kalam::TableId{kalam::NamespaceId("app"), kalam::TableName("t")};
  f.def.type = kalam::TableType::kUser;
  struct ColumnSpec {
    const char* name;
    DataType type;
    const char* text;  // the row's value, as a client would write it
  };
  const ColumnSpec specs[] = {{"b", {TypeKind::kBoolean}, "true"},
                              {"s", {TypeKind::kSmallInt}, "-7"},
                              {"i", {TypeKind::kInt}, "42"},
                              {"n", {TypeKind::kBigInt}, "9007199254740993"},
                              {"f", {TypeKind::kFloat}, "1.5"},
                              {"d", {TypeKind::kDouble}, "-2.25"},
                              {"m", {TypeKind::kDecimal, 10, 2}, "19.99"},
                              {"txt", {TypeKind::kText}, "h\u00e9llo%_"},
                              {"by", {TypeKind::kBytes}, "abc"},
                              {"j", {TypeKind::kJson}, "{\"k\":1}"},
                              {"ts", {TypeKind::kTimestamp}, "2025-01-01 10:00:00"},
                              {"dt", {TypeKind::kDateTime}, "2025-01-01 10:00:00.123456"},
                              {"day", {TypeKind::kDate}, "2025-01-01"},
                              {"tm", {TypeKind::kTime}, "10:00:00"},
                              {"u", {TypeKind::kUuid}, "123e4567-e89b-12d3-a456-426614174000"}};
  for (const ColumnSpec& spec : specs) {
    f.def.columns.push_back(Column(spec.name, spec.type));
    const auto type = kalam::tables::ToLogicalType(spec.type);
    auto value = kalam::tables::CoerceToColumn(duckdb::Value(spec.text), f.def.columns.back());
    f.values.push_back(value.ok() ? value.value() : duckdb::Value(type));
    f.nulls.emplace_back(type);
  }
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture = MakeFixture();
  const std::string where(reinterpret_cast<const char*>(data), size);
  duckdb::Parser parser;
  try {
    parser.ParseQuery("SELECT * FROM app.t WHERE " + where);
  } catch (const std::exception&) {
    return 0;  // not SQL: the subscription is refused before the filter compiler
  }
  if (parser.statements.size() != 1 || parser.statements[0]->type != duckdb::StatementType::SELECT_STATEMENT) return 0;
  const auto& node = parser.statements[0]->Cast<duckdb::SelectStatement>().node;
  if (node->type != duckdb::QueryNodeType::SELECT_NODE) return 0;
  const auto& select = node->Cast<duckdb::SelectNode>();
  auto filter = kalam::live::RowFilter::Compile(select.where_clause.get(), fixture.def, kalam::UserId("alice"));
  if (!filter.ok()) return 0;
  (void)filter.value().Matches(fixture.values, 100);
  (void)filter.value().Matches(fixture.nulls, 0);
  return 0;
}
