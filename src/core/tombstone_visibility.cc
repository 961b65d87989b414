#include "tombstone_visibility.h"

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/subquery_expression.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/query_node/cte_node.hpp"
#include "duckdb/parser/query_node/recursive_cte_node.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/query_node/set_operation_node.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/joinref.hpp"
#include "duckdb/parser/tableref/subqueryref.hpp"
#include "kalam/commons/names.h"

namespace kalam::core {
namespace {

class DeletedFinder {
 public:
  bool found = false;

  void Node(duckdb::QueryNode& node) {
    for (auto& entry : node.cte_map.map) Node(*entry.second->query->node);
    switch (node.type) {
      case duckdb::QueryNodeType::SELECT_NODE: {
        auto& select = node.Cast<duckdb::SelectNode>();
        if (select.where_clause) Expr(*select.where_clause, /*in_where=*/true);
        for (auto& e : select.select_list) Expr(*e, false);
        if (select.having) Expr(*select.having, false);
        if (select.qualify) Expr(*select.qualify, false);
        if (select.from_table) Ref(*select.from_table);
        break;
      }
      case duckdb::QueryNodeType::SET_OPERATION_NODE: {
        auto& set = node.Cast<duckdb::SetOperationNode>();
        if (set.left) Node(*set.left);
        if (set.right) Node(*set.right);
        break;
      }
      case duckdb::QueryNodeType::RECURSIVE_CTE_NODE: {
        auto& cte = node.Cast<duckdb::RecursiveCTENode>();
        if (cte.left) Node(*cte.left);
        if (cte.right) Node(*cte.right);
        break;
      }
      case duckdb::QueryNodeType::CTE_NODE: {
        auto& cte = node.Cast<duckdb::CTENode>();
        if (cte.query) Node(*cte.query);
        if (cte.child) Node(*cte.child);
        break;
      }
      default:
        break;
    }
  }

  void Expr(duckdb::ParsedExpression& expr, bool in_where) {
    if (in_where && expr.GetExpressionClass() == duckdb::ExpressionClass::COLUMN_REF &&
        ToLower(expr.Cast<duckdb::ColumnRefExpression>().GetColumnName()) == kDeletedColumn) {
      found = true;
    }
    if (expr.GetExpressionClass() == duckdb::ExpressionClass::SUBQUERY) {
      Node(*expr.Cast<duckdb::SubqueryExpression>().subquery->node);
    }
    duckdb::ParsedExpressionIterator::EnumerateChildren(
        expr, [&](duckdb::ParsedExpression& child) { Expr(child, in_where); });
  }

  void Ref(duckdb::TableRef& ref) {
    switch (ref.type) {
      case duckdb::TableReferenceType::SUBQUERY:
        Node(*ref.Cast<duckdb::SubqueryRef>().subquery->node);
        break;
      case duckdb::TableReferenceType::JOIN: {
        auto& join = ref.Cast<duckdb::JoinRef>();
        if (join.left) Ref(*join.left);
        if (join.right) Ref(*join.right);
        if (join.condition) Expr(*join.condition, false);
        break;
      }
      default:
        break;
    }
  }
};

}  // namespace

bool WhereMentionsDeleted(duckdb::SQLStatement& statement) {
  DeletedFinder finder;
  if (statement.type == duckdb::StatementType::SELECT_STATEMENT) {
    finder.Node(*statement.Cast<duckdb::SelectStatement>().node);
  } else if (statement.type == duckdb::StatementType::EXPLAIN_STATEMENT) {
    return WhereMentionsDeleted(*statement.Cast<duckdb::ExplainStatement>().stmt);
  }
  return finder.found;
}

}  // namespace kalam::core
