#include "plan_guard.h"

#include "duckdb/planner/expression/bound_subquery_expression.hpp"
#include "duckdb/planner/logical_operator_visitor.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "function_guard.h"
#include "query_state.h"

namespace kalam::core {
namespace {

using duckdb::LogicalOperatorType;

bool IsQueryOperator(LogicalOperatorType type) {
  switch (type) {
    case LogicalOperatorType::LOGICAL_PROJECTION:
    case LogicalOperatorType::LOGICAL_FILTER:
    case LogicalOperatorType::LOGICAL_AGGREGATE_AND_GROUP_BY:
    case LogicalOperatorType::LOGICAL_WINDOW:
    case LogicalOperatorType::LOGICAL_UNNEST:
    case LogicalOperatorType::LOGICAL_LIMIT:
    case LogicalOperatorType::LOGICAL_ORDER_BY:
    case LogicalOperatorType::LOGICAL_TOP_N:
    case LogicalOperatorType::LOGICAL_DISTINCT:
    case LogicalOperatorType::LOGICAL_SAMPLE:
    case LogicalOperatorType::LOGICAL_PIVOT:
    case LogicalOperatorType::LOGICAL_GET:
    case LogicalOperatorType::LOGICAL_CHUNK_GET:
    case LogicalOperatorType::LOGICAL_DELIM_GET:
    case LogicalOperatorType::LOGICAL_EXPRESSION_GET:
    case LogicalOperatorType::LOGICAL_DUMMY_SCAN:
    case LogicalOperatorType::LOGICAL_EMPTY_RESULT:
    case LogicalOperatorType::LOGICAL_CTE_REF:
    case LogicalOperatorType::LOGICAL_JOIN:
    case LogicalOperatorType::LOGICAL_DELIM_JOIN:
    case LogicalOperatorType::LOGICAL_COMPARISON_JOIN:
    case LogicalOperatorType::LOGICAL_ANY_JOIN:
    case LogicalOperatorType::LOGICAL_CROSS_PRODUCT:
    case LogicalOperatorType::LOGICAL_POSITIONAL_JOIN:
    case LogicalOperatorType::LOGICAL_ASOF_JOIN:
    case LogicalOperatorType::LOGICAL_DEPENDENT_JOIN:
    case LogicalOperatorType::LOGICAL_UNION:
    case LogicalOperatorType::LOGICAL_EXCEPT:
    case LogicalOperatorType::LOGICAL_INTERSECT:
    case LogicalOperatorType::LOGICAL_RECURSIVE_CTE:
    case LogicalOperatorType::LOGICAL_MATERIALIZED_CTE:
    case LogicalOperatorType::LOGICAL_EXPLAIN: return true;
    default: return false;
  }
}

// Returns the first thing the plan may not hold, or "" when it holds none.
class PlanChecker final : public duckdb::LogicalOperatorVisitor {
 public:
  std::string refused;

  void VisitOperator(duckdb::LogicalOperator& op) override {
    if (!refused.empty()) return;
    if (!IsQueryOperator(op.type)) {
      refused = "statement '" + duckdb::LogicalOperatorToString(op.type) + "'";
      return;
    }
    if (op.type == LogicalOperatorType::LOGICAL_GET) {
      auto& get = op.Cast<duckdb::LogicalGet>();
      if (get.GetTable() || !IsAllowedTableFunction(get.function.name)) {
        refused = "function '" + get.function.name + "'";
        return;
      }
    }
    VisitOperatorExpressions(op);
    VisitOperatorChildren(op);
  }

 protected:
  // Subqueries are planned into joins before this check runs; one left unplanned would hide
  // its scans from the check, so it is refused rather than trusted.
  duckdb::unique_ptr<duckdb::Expression> VisitReplace(duckdb::BoundSubqueryExpression&,
                                                      duckdb::unique_ptr<duckdb::Expression>*) override {
    if (refused.empty()) refused = "unplanned subquery";
    return nullptr;
  }
};

void CheckPlan(duckdb::OptimizerExtensionInput& input, duckdb::unique_ptr<duckdb::LogicalOperator>& plan) {
  auto state = input.context.registered_state->Get<QueryState>(QueryState::kKey);
  if (!state) return;  // KalamDB's own setup connection: no client SQL runs there
  PlanChecker checker;
  checker.VisitOperator(*plan);
  if (!checker.refused.empty()) {
    Status denied = Status::PermissionDenied("Access denied: " + checker.refused + " is not available");
    state->RecordBindError(denied);
    throw duckdb::PermissionException(denied.message());
  }
  state->plan_checked = true;
}

}  // namespace

duckdb::OptimizerExtension PlanGuardExtension() {
  duckdb::OptimizerExtension extension;
  extension.pre_optimize_function = CheckPlan;
  return extension;
}

}  // namespace kalam::core
