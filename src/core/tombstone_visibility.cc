#include "tombstone_visibility.h"

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "kalam/commons/names.h"
#include "query_walker.h"

namespace kalam::core {
namespace {

class DeletedFinder final : public QueryWalker {
 public:
  bool found = false;

 protected:
  void OnExpression(duckdb::ParsedExpression& expr, bool in_where) override {
    if (in_where && expr.GetExpressionClass() == duckdb::ExpressionClass::COLUMN_REF &&
        ToLower(expr.Cast<duckdb::ColumnRefExpression>().GetColumnName()) == kDeletedColumn) {
      found = true;
    }
  }
};

}  // namespace

bool WhereMentionsDeleted(duckdb::SQLStatement& statement) {
  DeletedFinder finder;
  finder.Statement(statement);
  return finder.found;
}

}  // namespace kalam::core
