#include "temporal_comparisons.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "duckdb/parser/expression/between_expression.hpp"
#include "duckdb/parser/expression/cast_expression.hpp"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/comparison_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "query_walker.h"
#include "statement_tables.h"

namespace kalam::core {
namespace {

using duckdb::ParsedExpression;

bool IsTemporal(TypeKind kind) {
  return kind == TypeKind::kTimestamp || kind == TypeKind::kDateTime || kind == TypeKind::kDate ||
         kind == TypeKind::kTime;
}

// An integer literal or a parameter: what DuckDB will not compare with a temporal column.
bool NeedsCast(const ParsedExpression& e) {
  if (e.GetExpressionClass() == duckdb::ExpressionClass::PARAMETER) return true;
  if (e.GetExpressionClass() != duckdb::ExpressionClass::CONSTANT) return false;
  const auto& value = e.Cast<duckdb::ConstantExpression>().value;
  return !value.IsNull() && value.type().IsIntegral();
}

class TemporalCaster : public QueryWalker {
 public:
  // `tables`: qualifier (alias, table name, or "ns.table") -> definition.
  explicit TemporalCaster(std::multimap<std::string, std::shared_ptr<const TableDefinition>> tables)
      : tables_(std::move(tables)) {}

 protected:
  void OnExpression(ParsedExpression& expr, bool) override {
    switch (expr.GetExpressionType()) {
      case duckdb::ExpressionType::COMPARE_LESSTHAN:
      case duckdb::ExpressionType::COMPARE_GREATERTHAN:
      case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
      case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO: {
        auto& cmp = expr.Cast<duckdb::ComparisonExpression>();
        if (auto type = TemporalColumn(*cmp.left); type && NeedsCast(*cmp.right)) {
          cmp.right = duckdb::make_uniq<duckdb::CastExpression>(*type, std::move(cmp.right));
        } else if (auto type = TemporalColumn(*cmp.right); type && NeedsCast(*cmp.left)) {
          cmp.left = duckdb::make_uniq<duckdb::CastExpression>(*type, std::move(cmp.left));
        }
        break;
      }
      case duckdb::ExpressionType::COMPARE_BETWEEN:
      case duckdb::ExpressionType::COMPARE_NOT_BETWEEN: {
        auto& between = expr.Cast<duckdb::BetweenExpression>();
        auto type = TemporalColumn(*between.input);
        if (!type) break;
        if (NeedsCast(*between.lower)) {
          between.lower = duckdb::make_uniq<duckdb::CastExpression>(*type, std::move(between.lower));
        }
        if (NeedsCast(*between.upper)) {
          between.upper = duckdb::make_uniq<duckdb::CastExpression>(*type, std::move(between.upper));
        }
        break;
      }
      default: break;
    }
  }

 private:
  // The engine type of `e` when it is a temporal column of exactly one named table.
  std::optional<duckdb::LogicalType> TemporalColumn(const ParsedExpression& e) const {
    if (e.GetExpressionClass() != duckdb::ExpressionClass::COLUMN_REF) return std::nullopt;
    const auto& names = e.Cast<duckdb::ColumnRefExpression>().column_names;
    std::string qualifier;
    for (size_t i = 0; i + 1 < names.size(); ++i) qualifier += (i ? "." : "") + ToLower(names[i]);
    const std::string column = ToLower(names.back());
    // A table named twice (two aliases) counts once: the column must belong to one table.
    std::set<const TableDefinition*> seen;
    const ColumnDefinition* found = nullptr;
    int owners = 0;
    for (const auto& [name, def] : tables_) {
      if (!qualifier.empty() && name != qualifier) continue;
      if (!seen.insert(def.get()).second) continue;
      auto idx = def->FindColumn(column);
      if (!idx) continue;
      found = &def->columns[*idx];
      ++owners;
    }
    if (owners != 1 || !IsTemporal(found->type.kind)) return std::nullopt;
    return tables::ToLogicalType(found->type);
  }

  std::multimap<std::string, std::shared_ptr<const TableDefinition>> tables_;
};

}  // namespace

void CastTemporalComparisons(duckdb::SQLStatement& statement, const registry::SchemaRegistry& registry,
                             const NamespaceId& current_namespace) {
  std::multimap<std::string, std::shared_ptr<const TableDefinition>> tables;
  for (const NamedTable& t : TablesNamedIn(statement)) {
    const NamespaceId ns = t.schema.empty() ? current_namespace : NamespaceId(ToLower(t.schema));
    if (ns.str() == kSystemNamespace) continue;
    auto def = registry.FindTable(TableId{ns, TableName(ToLower(t.table))});
    if (!def) continue;
    if (!t.alias.empty()) {
      tables.emplace(ToLower(t.alias), def);
      continue;
    }
    tables.emplace(def->id.table_name.str(), def);
    tables.emplace(def->id.ToString(), def);
  }
  if (tables.empty()) return;
  TemporalCaster caster(std::move(tables));
  caster.Statement(statement);
}

}  // namespace kalam::core
