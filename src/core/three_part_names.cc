#include "three_part_names.h"

#include <set>
#include <string>
#include <utility>

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/statement/delete_statement.hpp"
#include "duckdb/parser/statement/insert_statement.hpp"
#include "duckdb/parser/statement/update_statement.hpp"
#include "kalam/commons/names.h"
#include "query_walker.h"
#include "statement_tables.h"

namespace kalam::core {
namespace {

using QualifiedTable = std::pair<std::string, std::string>;  // namespace, table (lowercase)

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
  std::set<QualifiedTable> tables;
  for (const NamedTable& t : TablesNamedIn(statement)) {
    if (!t.schema.empty() && t.alias.empty()) tables.emplace(ToLower(t.schema), ToLower(t.table));
  }
  if (tables.empty()) return;
  ColumnShortener shortener(tables);
  shortener.Statement(statement);
  duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>>* returning = nullptr;
  switch (statement.type) {
    case duckdb::StatementType::UPDATE_STATEMENT:
      returning = &statement.Cast<duckdb::UpdateStatement>().returning_list;
      break;
    case duckdb::StatementType::DELETE_STATEMENT:
      returning = &statement.Cast<duckdb::DeleteStatement>().returning_list;
      break;
    case duckdb::StatementType::INSERT_STATEMENT:
      returning = &statement.Cast<duckdb::InsertStatement>().returning_list;
      break;
    default: break;
  }
  if (returning) {
    for (auto& e : *returning) shortener.Visit(*e);
  }
}

}  // namespace kalam::core
