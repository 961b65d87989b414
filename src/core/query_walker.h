#pragma once

#include "duckdb/parser/parsed_expression.hpp"
#include "duckdb/parser/query_node.hpp"
#include "duckdb/parser/sql_statement.hpp"
#include "duckdb/parser/tableref.hpp"

namespace kalam::core {

// Walks every part of a parsed statement a query can hide work in: CTEs, set operations,
// subqueries in any clause, joins, table-function arguments, VALUES lists, and the inner
// statement of EXPLAIN / INSERT ... SELECT / UPDATE / DELETE. Subclasses look at what they
// need; the traversal lives here once.
class QueryWalker {
 public:
  virtual ~QueryWalker() = default;

  void Statement(duckdb::SQLStatement& statement);

 protected:
  // Called for every expression; `in_where` is true inside WHERE clauses.
  virtual void OnExpression(duckdb::ParsedExpression& expr, bool in_where) {}
  // Called for every table reference (FROM items, joins' sides, DML targets).
  virtual void OnTableRef(duckdb::TableRef& ref) {}

  void Node(duckdb::QueryNode& node);
  void Expr(duckdb::ParsedExpression& expr, bool in_where);
  void Ref(duckdb::TableRef& ref);
};

}  // namespace kalam::core
