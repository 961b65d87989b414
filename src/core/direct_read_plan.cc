#include "direct_read_plan.h"

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/comparison_expression.hpp"
#include "duckdb/parser/expression/conjunction_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/parameter_expression.hpp"
#include "duckdb/parser/expression/star_expression.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/result_modifier.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "engine_context.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::core {
namespace {

using duckdb::ExpressionClass;
using duckdb::ExpressionType;
using duckdb::ParsedExpression;

constexpr uint32_t kSeqPosition = UINT32_MAX;  // Resolve's answer for `_seq`

// Builds the plan while checking the statement's shape; every `return false` sends the
// statement to DuckDB.
class Matcher {
 public:
  Matcher(const QueryState& state, const std::vector<duckdb::Value>& params, DirectReadPlan* plan)
      : state_(state), params_(params), plan_(*plan) {}

  bool Match(const duckdb::SQLStatement& statement) {
    if (statement.type != duckdb::StatementType::SELECT_STATEMENT) return false;
    // DuckDB words a parameter count mismatch.
    if (statement.named_param_map.size() != params_.size()) return false;
    const auto& node_ptr = statement.Cast<duckdb::SelectStatement>().node;
    if (!node_ptr || node_ptr->type != duckdb::QueryNodeType::SELECT_NODE) return false;
    const auto& node = node_ptr->Cast<duckdb::SelectNode>();
    if (!node.cte_map.map.empty() || !node.groups.group_expressions.empty() || !node.groups.grouping_sets.empty() ||
        node.having || node.qualify || node.sample ||
        node.aggregate_handling != duckdb::AggregateHandling::STANDARD_HANDLING) {
      return false;
    }
    return Table(node.from_table.get()) && Select(node.select_list) && Where(node.where_clause.get()) &&
           Modifiers(node.modifiers);
  }

 private:
  bool Table(const duckdb::TableRef* ref) {
    if (!ref || ref->type != duckdb::TableReferenceType::BASE_TABLE || ref->sample || !ref->column_name_alias.empty()) {
      return false;
    }
    const auto& base = ref->Cast<duckdb::BaseTableRef>();
    if (!base.catalog_name.empty() || base.at_clause) return false;
    const std::string ns = base.schema_name.empty() ? state_.current_namespace.str() : ToLower(base.schema_name);
    if (ns == kSystemNamespace) return false;
    const TableId id{NamespaceId(ns), TableName(ToLower(base.table_name))};
    auto def = state_.engine.registry->FindTable(id);
    if (!def) return false;  // DuckDB words the error
    switch (def->type) {
      case TableType::kUser: break;
      case TableType::kShared:
        // Refusals are DuckDB's to word (the scan's bind raises them).
        if (state_.impersonating ||
            !auth::CheckSharedRead(state_.acting_role, def->options.access_level, id.ToString()).ok()) {
          return false;
        }
        break;
      default: return false;
    }
    plan_.def = std::move(def);
    qualifier_ = ToLower(base.alias.empty() ? base.table_name : base.alias);
    return true;
  }

  // The projection position of a plain column reference, adding it when `add`; nullopt
  // for anything else (`_deleted`, unknown or differently spelled names).
  std::optional<uint32_t> Resolve(const ParsedExpression& expr, std::string* name) {
    if (expr.GetExpressionClass() != ExpressionClass::COLUMN_REF) return std::nullopt;
    const auto& ref = expr.Cast<duckdb::ColumnRefExpression>();
    if (ref.column_names.size() == 2) {
      if (ToLower(ref.column_names[0]) != qualifier_) return std::nullopt;
    } else if (ref.column_names.size() != 1) {
      return std::nullopt;
    }
    *name = ref.column_names.back();
    if (*name == kSeqColumn) return kSeqPosition;
    // Exact spelling only: DuckDB binds names case-insensitively but answers with the
    // spelling used, which only DuckDB needs to get right.
    const auto index = plan_.def->FindColumn(*name);
    if (!index) return std::nullopt;
    return static_cast<uint32_t>(*index);
  }

  static tables::ScanColumn ColumnOf(uint32_t resolved) {
    if (resolved == kSeqPosition) return {tables::ScanColumn::Kind::kSeq, 0};
    return {tables::ScanColumn::Kind::kUserColumn, resolved};
  }

  size_t PositionOf(tables::ScanColumn column) {
    for (size_t i = 0; i < plan_.projection.size(); ++i) {
      const auto& c = plan_.projection[i];
      if (c.kind == column.kind && c.column_index == column.column_index) return i;
    }
    plan_.projection.push_back(column);
    return plan_.projection.size() - 1;
  }

  bool Select(const duckdb::vector<duckdb::unique_ptr<ParsedExpression>>& list) {
    if (list.size() == 1 && list[0]->GetExpressionClass() == ExpressionClass::STAR) {
      const auto& star = list[0]->Cast<duckdb::StarExpression>();
      if (!star.relation_name.empty() || !star.exclude_list.empty() || !star.replace_list.empty() ||
          !star.rename_list.empty() || star.expr || star.columns || !star.alias.empty()) {
        return false;
      }
      for (uint32_t i = 0; i < plan_.def->columns.size(); ++i) {
        plan_.projection.push_back({tables::ScanColumn::Kind::kUserColumn, i});
        plan_.output_names.push_back(plan_.def->columns[i].name);
      }
      plan_.projection.push_back({tables::ScanColumn::Kind::kSeq, 0});
      plan_.output_names.emplace_back(kSeqColumn);
      plan_.projection.push_back({tables::ScanColumn::Kind::kDeleted, 0});
      plan_.output_names.emplace_back(kDeletedColumn);
      return true;
    }
    for (const auto& item : list) {
      std::string name;
      const auto resolved = Resolve(*item, &name);
      if (!resolved) return false;
      // ORDER BY resolves select aliases first: an alias that names a column changes its meaning.
      if (!item->alias.empty() && (item->alias == kSeqColumn || plan_.def->FindColumn(item->alias))) return false;
      const std::string& output = item->alias.empty() ? name : item->alias;
      for (const auto& existing : plan_.output_names) {
        if (ToLower(existing) == ToLower(output)) return false;  // DuckDB decides duplicate names
      }
      plan_.projection.push_back(ColumnOf(*resolved));  // repeats are fine: each is an output
      plan_.output_names.push_back(output);
    }
    return true;
  }

  // `value` in the compared column's type, or nullopt when DuckDB's comparison rules would
  // differ from comparing values of one type (mixed families, NULL, overflow).
  std::optional<duckdb::Value> ConstantFor(uint32_t resolved, const duckdb::Value& value) {
    if (value.IsNull()) return std::nullopt;
    const auto id = value.type().id();
    const bool integral = id == duckdb::LogicalTypeId::TINYINT || id == duckdb::LogicalTypeId::SMALLINT ||
                          id == duckdb::LogicalTypeId::INTEGER || id == duckdb::LogicalTypeId::BIGINT;
    if (resolved == kSeqPosition) {
      if (!integral) return std::nullopt;
      return duckdb::Value::BIGINT(value.GetValue<int64_t>());
    }
    const ColumnDefinition& column = plan_.def->columns[resolved];
    switch (column.type.kind) {
      case TypeKind::kSmallInt:
      case TypeKind::kInt:
      case TypeKind::kBigInt:
        if (!integral) return std::nullopt;
        break;
      case TypeKind::kText:
        if (id != duckdb::LogicalTypeId::VARCHAR) return std::nullopt;
        break;
      default: return std::nullopt;
    }
    auto coerced = tables::CoerceToColumn(value, column);
    if (!coerced.ok()) return std::nullopt;
    return std::move(coerced).value();
  }

  // A request parameter compared with a column: DuckDB gives the parameter the column's type
  // and casts the value to it. Only the value kinds the HTTP API sends for such columns are
  // taken: integers and strings for integer columns (and `_seq`), strings for TEXT.
  std::optional<duckdb::Value> ParameterFor(uint32_t resolved, const duckdb::ParameterExpression& parameter) {
    size_t number = 0;
    for (char c : parameter.identifier) {
      if (c < '0' || c > '9') return std::nullopt;
      number = number * 10 + static_cast<size_t>(c - '0');
      if (number > params_.size()) return std::nullopt;
    }
    if (number == 0) return std::nullopt;
    const duckdb::Value& value = params_[number - 1];
    if (value.IsNull()) return std::nullopt;
    const auto id = value.type().id();
    const bool text_column = resolved != kSeqPosition && plan_.def->columns[resolved].type.kind == TypeKind::kText;
    if (text_column) {
      if (id != duckdb::LogicalTypeId::VARCHAR) return std::nullopt;
      return value;
    }
    if (id != duckdb::LogicalTypeId::VARCHAR && id != duckdb::LogicalTypeId::BIGINT) return std::nullopt;
    if (resolved != kSeqPosition) {
      const TypeKind kind = plan_.def->columns[resolved].type.kind;
      if (kind != TypeKind::kSmallInt && kind != TypeKind::kInt && kind != TypeKind::kBigInt) return std::nullopt;
    }
    const duckdb::LogicalType type = resolved == kSeqPosition
                                         ? duckdb::LogicalType::BIGINT
                                         : tables::ToLogicalType(plan_.def->columns[resolved].type);
    duckdb::Value cast;
    std::string error;
    if (!value.DefaultTryCastAs(type, cast, &error, /*strict=*/true)) return std::nullopt;
    return cast;
  }

  bool Condition(const ParsedExpression& expr) {
    if (expr.GetExpressionClass() == ExpressionClass::CONJUNCTION) {
      if (expr.GetExpressionType() != ExpressionType::CONJUNCTION_AND) return false;
      for (const auto& child : expr.Cast<duckdb::ConjunctionExpression>().children) {
        if (!Condition(*child)) return false;
      }
      return true;
    }
    if (expr.GetExpressionClass() != ExpressionClass::COMPARISON) return false;
    ExpressionType op = expr.GetExpressionType();
    switch (op) {
      case ExpressionType::COMPARE_EQUAL:
      case ExpressionType::COMPARE_NOTEQUAL:
      case ExpressionType::COMPARE_LESSTHAN:
      case ExpressionType::COMPARE_LESSTHANOREQUALTO:
      case ExpressionType::COMPARE_GREATERTHAN:
      case ExpressionType::COMPARE_GREATERTHANOREQUALTO: break;
      default: return false;
    }
    const auto& cmp = expr.Cast<duckdb::ComparisonExpression>();
    const ParsedExpression* column = cmp.left.get();
    const ParsedExpression* constant = cmp.right.get();
    if (column->GetExpressionClass() == ExpressionClass::CONSTANT) {
      std::swap(column, constant);
      op = duckdb::FlipComparisonExpression(op);
    }
    if (column->GetExpressionClass() == ExpressionClass::PARAMETER) {
      std::swap(column, constant);
      op = duckdb::FlipComparisonExpression(op);
    }
    std::string name;
    const auto resolved = Resolve(*column, &name);
    if (!resolved) return false;
    std::optional<duckdb::Value> value;
    if (constant->GetExpressionClass() == ExpressionClass::CONSTANT) {
      value = ConstantFor(*resolved, constant->Cast<duckdb::ConstantExpression>().value);
    } else if (constant->GetExpressionClass() == ExpressionClass::PARAMETER) {
      value = ParameterFor(*resolved, constant->Cast<duckdb::ParameterExpression>());
    }
    if (!value) return false;
    DirectReadPlan::Condition condition;
    condition.column = ColumnOf(*resolved);
    condition.position = PositionOf(condition.column);
    condition.op = op;
    condition.value = std::move(*value);
    condition.text = name + " " + duckdb::ExpressionTypeToOperator(op) + " " + condition.value.ToSQLString();
    plan_.hints.Add(*plan_.def, *resolved == kSeqPosition ? plan_.def->columns.size() : *resolved, op, condition.value);
    plan_.conditions.push_back(std::move(condition));
    return true;
  }

  bool Where(const ParsedExpression* where) { return !where || Condition(*where); }

  static std::optional<uint64_t> Count(const ParsedExpression* expr) {
    if (!expr || expr->GetExpressionClass() != ExpressionClass::CONSTANT) return std::nullopt;
    const duckdb::Value& value = expr->Cast<duckdb::ConstantExpression>().value;
    const auto id = value.type().id();
    if (value.IsNull() || (id != duckdb::LogicalTypeId::INTEGER && id != duckdb::LogicalTypeId::BIGINT))
      return std::nullopt;
    const int64_t n = value.GetValue<int64_t>();
    if (n < 0) return std::nullopt;
    return static_cast<uint64_t>(n);
  }

  bool Modifiers(const duckdb::vector<duckdb::unique_ptr<duckdb::ResultModifier>>& modifiers) {
    bool seen_limit = false;
    for (const auto& modifier : modifiers) {
      if (modifier->type == duckdb::ResultModifierType::ORDER_MODIFIER) {
        const auto& orders = modifier->Cast<duckdb::OrderModifier>().orders;
        if (seen_limit || plan_.order != DirectReadPlan::Order::kNone || orders.size() != 1) return false;
        std::string name;
        const auto resolved = Resolve(*orders[0].expression, &name);
        if (!resolved || *resolved != kSeqPosition) return false;
        switch (orders[0].type) {
          case duckdb::OrderType::ORDER_DEFAULT:  // ascending unless the default_order setting says otherwise
          case duckdb::OrderType::ASCENDING: plan_.order = DirectReadPlan::Order::kSeqAscending; break;
          case duckdb::OrderType::DESCENDING: plan_.order = DirectReadPlan::Order::kSeqDescending; break;
          default: return false;
        }
      } else if (modifier->type == duckdb::ResultModifierType::LIMIT_MODIFIER) {
        if (seen_limit) return false;
        seen_limit = true;
        const auto& limit = modifier->Cast<duckdb::LimitModifier>();
        if (limit.limit) {
          plan_.limit = Count(limit.limit.get());
          if (!plan_.limit) return false;
        }
        if (limit.offset) {
          const auto offset = Count(limit.offset.get());
          if (!offset) return false;
          plan_.offset = *offset;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  const QueryState& state_;
  const std::vector<duckdb::Value>& params_;
  DirectReadPlan& plan_;
  std::string qualifier_;  // lower-case name the columns may be qualified with
};

}  // namespace

std::optional<DirectReadPlan> MatchDirectRead(const duckdb::SQLStatement& statement, const QueryState& state,
                                              const std::vector<duckdb::Value>& params) {
  DirectReadPlan plan;
  if (!Matcher(state, params, &plan).Match(statement)) return std::nullopt;
  return plan;
}

}  // namespace kalam::core
