// INSERT ... ON CONFLICT (pk) DO NOTHING | DO UPDATE SET ... [WHERE ...], PostgreSQL's upsert.

#include <unordered_map>
#include <unordered_set>

#include "dml_executor.h"
#include "dml_returning.h"
#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/comparison_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/parsed_expression_iterator.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/tableref/expressionlistref.hpp"
#include "duckdb/parser/tableref/joinref.hpp"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

using duckdb::ParsedExpression;

constexpr const char* kExcludedAlias = "excluded";

// In DO UPDATE, a bare column names the stored row (PostgreSQL's rule) and `EXCLUDED.col` the
// proposed one; both are in scope of the join below, so bare names get the table's alias.
// `ns.t.col` of the target table becomes `t.col`, as elsewhere (three_part_names.h).
void QualifyBareColumns(ParsedExpression& e, const TableDefinition& def, const std::string& alias) {
  if (e.GetExpressionClass() == duckdb::ExpressionClass::COLUMN_REF) {
    auto& names = e.Cast<duckdb::ColumnRefExpression>().column_names;
    if (names.size() == 1) names.insert(names.begin(), alias);
    if (names.size() == 3 && ToLower(names[0]) == def.id.namespace_id.str() &&
        ToLower(names[1]) == def.id.table_name.str()) {
      names.erase(names.begin());
    }
    return;
  }
  duckdb::ParsedExpressionIterator::EnumerateChildren(
      e, [&](ParsedExpression& child) { QualifyBareColumns(child, def, alias); });
}

// The proposed rows that conflict, as `(VALUES ...) AS excluded(<table's columns>)`.
duckdb::unique_ptr<duckdb::TableRef> ExcludedRows(const TableDefinition& def,
                                                  const std::vector<std::vector<duckdb::Value>>& rows,
                                                  const std::vector<size_t>& which) {
  auto list = duckdb::make_uniq<duckdb::ExpressionListRef>();
  for (const ColumnDefinition& c : def.columns) {
    list->expected_names.push_back(c.name);
    list->expected_types.push_back(tables::ToLogicalType(c.type));
  }
  for (size_t i : which) {
    duckdb::vector<duckdb::unique_ptr<ParsedExpression>> row;
    for (size_t c = 0; c < def.columns.size(); ++c) {
      duckdb::Value v = rows[i][c];
      if (v.IsNull()) v = duckdb::Value(list->expected_types[c]);
      row.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(std::move(v)));
    }
    list->values.push_back(std::move(row));
  }
  list->alias = kExcludedAlias;
  return list;
}

Status CheckConflictTarget(const TableDefinition& def, const duckdb::OnConflictInfo& info) {
  const auto pk = def.PrimaryKeyIndex();
  if (!pk) {
    return Status::InvalidOperation("ON CONFLICT needs a primary key; table " + def.id.ToString() + " has none");
  }
  const std::string& pk_name = def.columns[*pk].name;
  if (info.action_type != duckdb::OnConflictAction::NOTHING && info.action_type != duckdb::OnConflictAction::UPDATE) {
    return Status::Unsupported("Not supported yet: INSERT OR REPLACE");
  }
  if (info.indexed_columns.empty() && info.action_type == duckdb::OnConflictAction::UPDATE) {
    return Status::InvalidArgument("ON CONFLICT DO UPDATE requires a conflict target: ON CONFLICT (" + pk_name + ")");
  }
  for (const std::string& column : info.indexed_columns) {
    if (ToLower(column) != pk_name) {
      return Status::InvalidOperation("ON CONFLICT (" + ToLower(column) +
                                     "): the conflict target must be the primary key column '" + pk_name + "'");
    }
  }
  if (info.condition) return Status::Unsupported("Not supported yet: ON CONFLICT (...) WHERE ...");
  return Status::Ok();
}

}  // namespace

Result<StatementResult> DmlExecutor::Upsert(ExecContext& ctx, const TableDefinition& def,
                                            std::vector<std::vector<duckdb::Value>>& rows,
                                            duckdb::InsertStatement& statement) {
  const duckdb::OnConflictInfo& info = *statement.on_conflict_info;
  KALAM_RETURN_IF_ERROR(CheckConflictTarget(def, info));
  const size_t pk = *def.PrimaryKeyIndex();
  const bool update = info.action_type == duckdb::OnConflictAction::UPDATE;
  const std::string scope = ScopeFor(ctx, def);
  const std::string alias = def.id.table_name.str();

  // Statement atomicity: the inserts and the updates commit together, in the request's own
  // transaction or in one of the statement's.
  tables::Transaction* txn = ctx.state.transaction;
  std::unique_ptr<tables::Transaction> own;
  if (!txn) {
    own = std::make_unique<tables::Transaction>(*engine_.backend);
    txn = own.get();
  }

  // Which proposed rows conflict with a visible row, hot or flushed (the index knows both), or
  // with an earlier row of this statement.
  const auto view = txn->NewestView();
  std::vector<size_t> fresh;
  std::vector<size_t> conflicting;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string key = tables::TableStore::PrimaryKeyIndexKey(def, scope, rows[i][pk]);
    if (!seen.insert(key).second) {
      if (update) {
        return Status::InvalidOperation("ON CONFLICT DO UPDATE cannot change row '" + rows[i][pk].ToString() +
                                        "' a second time in one statement");
      }
      continue;
    }
    KALAM_ASSIGN_OR_RETURN(auto found, engine_.table_store->FindIndexed(key, view.get()));
    if (found && !found->deleted) {
      conflicting.push_back(i);
    } else {
      fresh.push_back(i);
    }
  }

  // DO UPDATE: the stored rows joined with their proposed versions, through the UPDATE path.
  std::vector<tables::RowChange> changes;
  if (update && !conflicting.empty()) {
    std::vector<duckdb::unique_ptr<ParsedExpression>> values;
    std::vector<bool> assigned;
    auto set = info.set_info->Copy();
    for (auto& e : set->expressions) QualifyBareColumns(*e, def, alias);
    if (set->condition) QualifyBareColumns(*set->condition, def, alias);
    KALAM_RETURN_IF_ERROR(BuildAssignments(def, *set, alias, &values, &assigned));
    auto select = BuildWriteSelect(def, alias, std::move(values), std::move(set->condition), statement.cte_map);
    auto& node = select->node->Cast<duckdb::SelectNode>();
    auto join = duckdb::make_uniq<duckdb::JoinRef>(duckdb::JoinRefType::REGULAR);
    join->type = duckdb::JoinType::INNER;
    join->left = std::move(node.from_table);
    join->right = ExcludedRows(def, rows, conflicting);
    join->condition = duckdb::make_uniq<duckdb::ComparisonExpression>(
        duckdb::ExpressionType::COMPARE_EQUAL,
        duckdb::make_uniq<duckdb::ColumnRefExpression>(def.columns[pk].name, alias),
        duckdb::make_uniq<duckdb::ColumnRefExpression>(def.columns[pk].name, kExcludedAlias));
    node.from_table = std::move(join);
    select->named_param_map = statement.named_param_map;
    KALAM_ASSIGN_OR_RETURN(changes, CollectChanges(ctx, def, std::move(select), assigned));
  }

  std::vector<SeqId> update_seqs;
  size_t updated = 0;
  if (!changes.empty()) {
    KALAM_ASSIGN_OR_RETURN(updated,
                           engine_.table_store->Update(def, scope, changes, DeadlineCheck(ctx), txn, &update_seqs));
  }
  std::vector<std::vector<duckdb::Value>> inserts;
  inserts.reserve(fresh.size());
  for (size_t i : fresh) inserts.push_back(rows[i]);
  std::vector<SeqId> insert_seqs;
  if (!inserts.empty()) {
    KALAM_ASSIGN_OR_RETURN(insert_seqs, engine_.table_store->Insert(def, scope, inserts, DeadlineCheck(ctx), txn));
  }
  std::unordered_map<SeqId, SeqId> committed_seqs;
  if (own) KALAM_RETURN_IF_ERROR(engine_.table_store->Commit(*own, &committed_seqs).status());
  auto final_seq = [&](SeqId staged) {
    auto it = committed_seqs.find(staged);
    return it == committed_seqs.end() ? staged : it->second;
  };

  const size_t affected = inserts.size() + updated;
  if (statement.returning_list.empty()) {
    std::string message = "Inserted " + std::to_string(inserts.size()) + " row(s)";
    if (update) message += ", updated " + std::to_string(updated) + " row(s)";
    return MessageResult(std::move(message), affected, ctx.acting_user);
  }
  // RETURNING: the rows inserted or updated, in the order they were proposed.
  std::unordered_map<std::string, size_t> change_of_key;
  for (size_t k = 0; k < changes.size(); ++k) {
    if (update_seqs[k] != 0) change_of_key[changes[k].values[pk].ToString()] = k;
  }
  std::vector<WrittenRow> written;
  size_t next_insert = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (next_insert < fresh.size() && fresh[next_insert] == i) {
      written.push_back({&inserts[next_insert], final_seq(insert_seqs[next_insert]), false});
      ++next_insert;
      continue;
    }
    auto it = change_of_key.find(rows[i][pk].ToString());
    if (it == change_of_key.end()) continue;
    written.push_back({&changes[it->second].values, final_seq(update_seqs[it->second]), false});
    change_of_key.erase(it);
  }
  return ReturningRows(engine_, ctx, def, alias, statement.returning_list, written, statement.named_param_map);
}

}  // namespace kalam::core
