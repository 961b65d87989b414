#include "query_walker.h"

#include "duckdb/parser/expression/subquery_expression.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/query_node/cte_node.hpp"
#include "duckdb/parser/query_node/recursive_cte_node.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/query_node/set_operation_node.hpp"
#include "duckdb/parser/result_modifier.hpp"
#include "duckdb/parser/statement/delete_statement.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "duckdb/parser/statement/insert_statement.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/statement/update_statement.hpp"
#include "duckdb/parser/tableref/expressionlistref.hpp"
#include "duckdb/parser/tableref/joinref.hpp"
#include "duckdb/parser/tableref/subqueryref.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"

namespace kalam::core {

void QueryWalker::Statement(duckdb::SQLStatement& statement) {
  switch (statement.type) {
    case duckdb::StatementType::SELECT_STATEMENT:
      Node(*statement.Cast<duckdb::SelectStatement>().node);
      break;
    case duckdb::StatementType::EXPLAIN_STATEMENT:
      Statement(*statement.Cast<duckdb::ExplainStatement>().stmt);
      break;
    case duckdb::StatementType::INSERT_STATEMENT: {
      auto& insert = statement.Cast<duckdb::InsertStatement>();
      for (auto& entry : insert.cte_map.map) Node(*entry.second->query->node);
      if (insert.select_statement) Node(*insert.select_statement->node);
      break;
    }
    case duckdb::StatementType::UPDATE_STATEMENT: {
      auto& update = statement.Cast<duckdb::UpdateStatement>();
      for (auto& entry : update.cte_map.map) Node(*entry.second->query->node);
      if (update.from_table) Ref(*update.from_table);
      if (update.set_info) {
        for (auto& e : update.set_info->expressions) Expr(*e, false);
        if (update.set_info->condition) Expr(*update.set_info->condition, true);
      }
      break;
    }
    case duckdb::StatementType::DELETE_STATEMENT: {
      auto& del = statement.Cast<duckdb::DeleteStatement>();
      for (auto& entry : del.cte_map.map) Node(*entry.second->query->node);
      for (auto& ref : del.using_clauses) Ref(*ref);
      if (del.condition) Expr(*del.condition, true);
      break;
    }
    default:
      break;
  }
}

void QueryWalker::Node(duckdb::QueryNode& node) {
  for (auto& entry : node.cte_map.map) Node(*entry.second->query->node);
  for (auto& modifier : node.modifiers) {
    if (modifier->type != duckdb::ResultModifierType::ORDER_MODIFIER) continue;
    for (auto& order : modifier->Cast<duckdb::OrderModifier>().orders) Expr(*order.expression, false);
  }
  switch (node.type) {
    case duckdb::QueryNodeType::SELECT_NODE: {
      auto& select = node.Cast<duckdb::SelectNode>();
      if (select.where_clause) Expr(*select.where_clause, /*in_where=*/true);
      for (auto& e : select.select_list) Expr(*e, false);
      for (auto& e : select.groups.group_expressions) Expr(*e, false);
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

void QueryWalker::Expr(duckdb::ParsedExpression& expr, bool in_where) {
  OnExpression(expr, in_where);
  if (expr.GetExpressionClass() == duckdb::ExpressionClass::SUBQUERY) {
    Node(*expr.Cast<duckdb::SubqueryExpression>().subquery->node);
  }
  duckdb::ParsedExpressionIterator::EnumerateChildren(expr,
                                                      [&](duckdb::ParsedExpression& child) { Expr(child, in_where); });
}

void QueryWalker::Ref(duckdb::TableRef& ref) {
  OnTableRef(ref);
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
    case duckdb::TableReferenceType::TABLE_FUNCTION: {
      auto& fn = ref.Cast<duckdb::TableFunctionRef>();
      if (fn.function) Expr(*fn.function, false);
      if (fn.subquery) Node(*fn.subquery->node);
      break;
    }
    case duckdb::TableReferenceType::EXPRESSION_LIST: {
      for (auto& row : ref.Cast<duckdb::ExpressionListRef>().values) {
        for (auto& e : row) Expr(*e, false);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace kalam::core
