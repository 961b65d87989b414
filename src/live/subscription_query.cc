#include "subscription_query.h"

#include "duckdb/common/exception.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/star_expression.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "kalam/commons/names.h"
#include "kalam/commons/sql_text.h"
#include "kalam/dialect/parser.h"

namespace kalam::live {
namespace {

Status Unsupported(std::string_view what) {
  return Status::Unsupported("Subscriptions do not support " + std::string(what));
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

Status Unqualified() { return Status::InvalidArgument("Table must be namespace-qualified"); }

// Parses `SELECT ...` text with DuckDB's parser; errors become InvalidArgument.
Result<duckdb::unique_ptr<duckdb::SelectStatement>> ParseSelect(const std::string& sql) {
  duckdb::Parser parser;
  try {
    parser.ParseQuery(sql);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(duckdb::ErrorData(e).RawMessage());
  }
  if (parser.statements.size() != 1) return Status::InvalidArgument("Expected exactly one SELECT statement");
  if (parser.statements[0]->type != duckdb::StatementType::SELECT_STATEMENT) {
    return Status::InvalidArgument("Expected a SELECT or SUBSCRIBE TO statement");
  }
  return duckdb::unique_ptr_cast<duckdb::SQLStatement, duckdb::SelectStatement>(std::move(parser.statements[0]));
}

Result<SubscriptionQuery> FromSelect(duckdb::SelectStatement& select) {
  if (select.node->type != duckdb::QueryNodeType::SELECT_NODE) return Unsupported("set operations");
  auto& node = select.node->Cast<duckdb::SelectNode>();
  if (!node.cte_map.map.empty()) return Unsupported("WITH");
  if (!node.modifiers.empty()) return Unsupported("ORDER BY, LIMIT or DISTINCT");
  if (!node.groups.group_expressions.empty() || !node.groups.grouping_sets.empty() || node.having) {
    return Unsupported("GROUP BY or HAVING");
  }
  if (node.qualify || node.sample) return Unsupported("QUALIFY or SAMPLE");
  if (!node.from_table) return Status::InvalidArgument("A subscription needs a table (FROM ns.t)");
  if (node.from_table->type != duckdb::TableReferenceType::BASE_TABLE) return Unsupported("joins or subqueries");
  auto& base = node.from_table->Cast<duckdb::BaseTableRef>();
  if (!base.catalog_name.empty()) return Status::InvalidArgument("Table names have at most two parts (ns.t)");
  if (base.schema_name.empty()) return Unqualified();
  SubscriptionQuery query;
  query.table = TableId{NamespaceId(ToLower(base.schema_name)), TableName(ToLower(base.table_name))};
  const std::string alias = base.alias.empty() ? ToLower(base.table_name) : ToLower(base.alias);
  bool star = false;
  for (const auto& item : node.select_list) {
    if (!item->alias.empty()) return Unsupported("column aliases");
    if (item->GetExpressionClass() == duckdb::ExpressionClass::STAR) {
      const auto& s = item->Cast<duckdb::StarExpression>();
      if (!s.exclude_list.empty() || !s.replace_list.empty() || !s.rename_list.empty() || s.expr || s.columns) {
        return Unsupported("star modifiers");
      }
      star = true;
      continue;
    }
    if (item->GetExpressionClass() != duckdb::ExpressionClass::COLUMN_REF) {
      return Unsupported("computed columns (projections are plain column names)");
    }
    const auto& ref = item->Cast<duckdb::ColumnRefExpression>();
    if (ref.column_names.size() > 2 || (ref.column_names.size() == 2 && ToLower(ref.column_names[0]) != alias)) {
      return Status::InvalidArgument("Column '" + ref.ToString() + "' does not name a column of the table");
    }
    query.columns.push_back(ToLower(ref.column_names.back()));
  }
  if (star) {
    if (node.select_list.size() > 1) return Unsupported("mixing * with columns");
    query.columns.clear();
  }
  query.where = std::move(node.where_clause);
  return query;
}

}  // namespace

Result<SubscriptionQuery> ParseSubscriptionQuery(std::string_view sql) {
  KALAM_RETURN_IF_ERROR(CheckSqlText(sql));
  const dialect::StatementClass kind = dialect::ClassifyStatement(sql);
  if (kind == dialect::StatementClass::kStandard) {
    KALAM_ASSIGN_OR_RETURN(auto select, ParseSelect(std::string(sql)));
    KALAM_ASSIGN_OR_RETURN(SubscriptionQuery query, FromSelect(*select));
    query.sql = std::string(sql);
    return query;
  }
  KALAM_ASSIGN_OR_RETURN(dialect::KalamStatement statement, dialect::ParseKalamStatement(sql));
  auto* subscribe = std::get_if<dialect::SubscribeStmt>(&statement);
  if (subscribe == nullptr) return Status::InvalidArgument("Expected a SELECT or SUBSCRIBE TO statement");
  if (!subscribe->table.namespace_id) return Unqualified();
  // The condition goes through the same checks as the SELECT form: text such as
  // `a = 1 ORDER BY b` or `a = 1 UNION SELECT 1` must not slip in behind the WHERE.
  const TableId table{*subscribe->table.namespace_id, subscribe->table.table_name};
  std::string select =
      "SELECT * FROM " + QuoteIdent(table.namespace_id.str()) + "." + QuoteIdent(table.table_name.str());
  if (!subscribe->where_text.empty()) select += " WHERE " + subscribe->where_text;
  KALAM_ASSIGN_OR_RETURN(auto parsed, ParseSelect(select));
  KALAM_ASSIGN_OR_RETURN(SubscriptionQuery query, FromSelect(*parsed));
  if (query.table != table) return Status::InvalidArgument("Invalid condition in SUBSCRIBE TO");
  query.sql = std::string(sql);
  query.options_given = subscribe->options_given;
  query.options = subscribe->options;
  return query;
}

Result<std::shared_ptr<const SubscriptionQuery>> SubscriptionQueryCache::Get(std::string_view sql) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(sql);
    if (it != entries_.end()) return it->second;
  }
  KALAM_ASSIGN_OR_RETURN(SubscriptionQuery parsed, ParseSubscriptionQuery(sql));
  auto query = std::make_shared<const SubscriptionQuery>(std::move(parsed));
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(query->sql, query);
  return query;
}

}  // namespace kalam::live
