#include "three_part_names.h"

#include <set>
#include <string>
#include <utility>

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/statement/delete_statement.hpp"
#include "duckdb/parser/statement/insert_statement.hpp"
#include "duckdb/parser/statement/update_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "kalam/commons/names.h"
#include "query_walker.h"

namespace kalam::core {
namespace {

using QualifiedTable = std::pair<std::string, std::string>;  // namespace, table (lowercase)

// The namespace-qualified tables a statement names without an alias.
class TableCollector : public QueryWalker {
 public:
  std::set<QualifiedTable> tables;

  void Add(duckdb::TableRef& ref) {
    if (ref.type != duckdb::TableReferenceType::BASE_TABLE || !ref.alias.empty()) return;
    const auto& base = ref.Cast<duckdb::BaseTableRef>();
    if (base.schema_name.empty() || !base.catalog_name.empty()) return;
    tables.emplace(ToLower(base.schema_name), ToLower(base.table_name));
  }

 protected:
  void OnTableRef(duckdb::TableRef& ref) override { Add(ref); }
};

class ColumnShortener : public QueryWalker {
 public:
  explicit ColumnShortener(const std::set<QualifiedTable>& tables) : tables_(tables) {}

  void Visit(duckdb::ParsedExpression& expr) { Expr(expr, false); }

 protected:
  void OnExpression(duckdb::ParsedExpression& expr, bool) override {
    if (expr.GetExpressionClass() != duckdb::ExpressionClass::COLUMN_REF) return;
    auto& names = expr.Cast<duckdb::ColumnRefExpression>().column_names;
    if (names.size() != 3) return;
    if (tables_.count({ToLower(names[0]), ToLower(names[1])}) == 0) return;
    names.erase(names.begin());
  }

 private:
  const std::set<QualifiedTable>& tables_;
};

}  // namespace

void ShortenThreePartColumnNames(duckdb::SQLStatement& statement) {
  TableCollector collector;
  collector.Statement(statement);
  duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>>* returning = nullptr;
  switch (statement.type) {
    case duckdb::StatementType::UPDATE_STATEMENT: {
      auto& update = statement.Cast<duckdb::UpdateStatement>();
      if (update.table) collector.Add(*update.table);
      returning = &update.returning_list;
      break;
    }
    case duckdb::StatementType::DELETE_STATEMENT: {
      auto& del = statement.Cast<duckdb::DeleteStatement>();
      if (del.table) collector.Add(*del.table);
      returning = &del.returning_list;
      break;
    }
    case duckdb::StatementType::INSERT_STATEMENT: {
      auto& insert = statement.Cast<duckdb::InsertStatement>();
      if (!insert.schema.empty() && insert.catalog.empty()) {
        collector.tables.emplace(ToLower(insert.schema), ToLower(insert.table));
      }
      returning = &insert.returning_list;
      break;
    }
    default:
      break;
  }
  if (collector.tables.empty()) return;
  ColumnShortener shortener(collector.tables);
  shortener.Statement(statement);
  if (returning) {
    for (auto& e : *returning) shortener.Visit(*e);
  }
}

}  // namespace kalam::core
