#include "dml_executor.h"

#include <charconv>

#include "duckdb/parser/expression/columnref_expression.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/expression/parameter_expression.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "duckdb/parser/tableref/emptytableref.hpp"
#include "duckdb/parser/tableref/expressionlistref.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "default_values.h"
#include "dml_returning.h"
#include "duckdb_bridge.h"
#include "duckdb_errors.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/core/limit_errors.h"
#include "kalam/tables/value_coercion.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

using duckdb::ExpressionType;
using duckdb::ParsedExpression;

}  // namespace

std::string ScopeFor(const ExecContext& ctx, const TableDefinition& def) {
  return def.type == TableType::kShared ? std::string() : ctx.acting_user.str();
}

namespace {

// The versions a table store write reported (`seqs[i]` = 0: change i was skipped).
std::vector<WrittenRow> Written(const std::vector<tables::RowChange>& changes, const std::vector<SeqId>& seqs,
                                bool deleted) {
  std::vector<WrittenRow> out;
  for (size_t i = 0; i < changes.size() && i < seqs.size(); ++i) {
    if (seqs[i] != 0) out.push_back({&changes[i].values, seqs[i], deleted});
  }
  return out;
}

Status StreamWriteInTransaction() {
  return Status::InvalidOperation("STREAM tables cannot be written inside a transaction: their rows live in memory "
                                  "and apply at once");
}

Status NotNullViolation(const ColumnDefinition& c) {
  return Status::ConstraintViolation("NOT NULL constraint violated: column '" + c.name + "'");
}

Status UnknownColumn(const std::string& name, const TableDefinition& def) {
  return Status::NotFound("Column '" + name + "' does not exist in table " + def.id.ToString());
}

// 1-based parameter index of `$n` (or a named parameter mapped by the parser).
Result<size_t> ParameterIndex(const duckdb::ParameterExpression& p, const duckdb::SQLStatement& statement) {
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(p.identifier.data(), p.identifier.data() + p.identifier.size(), n);
  if (ec != std::errc() || ptr != p.identifier.data() + p.identifier.size()) {
    auto it = statement.named_param_map.find(p.identifier);
    if (it == statement.named_param_map.end()) return Status::InvalidArgument("Unknown parameter $" + p.identifier);
    n = it->second;
  }
  return n;
}

// limits.statement_timeout_secs over the write phase: DuckDB's part is interrupted by the
// watchdog, the rest checks here. Every check comes before the table store's single atomic
// batch, so a statement that times out leaves none of its rows behind.
Status CheckDeadline(const ExecContext& ctx, const EngineContext& engine) {
  if (ctx.PastDeadline()) return StatementTimedOut(engine.config.statement_timeout_ms);
  return Status::Ok();
}

}  // namespace

// The same check inside the table store's batch building, up to the commit.
tables::TableStore::WriteCheck DmlExecutor::DeadlineCheck(const ExecContext& ctx) const {
  return [&ctx, this] { return CheckDeadline(ctx, engine_); };
}

// Builds `SELECT <exprs> FROM kalam_scan_for_write('ns.t') AS alias WHERE cond` from the
// statement's own expression trees.
duckdb::unique_ptr<duckdb::SelectStatement> BuildWriteSelect(const TableDefinition& def, const std::string& alias,
                                                             std::vector<duckdb::unique_ptr<ParsedExpression>> values,
                                                             duckdb::unique_ptr<ParsedExpression> condition,
                                                             const duckdb::CommonTableExpressionMap& ctes) {
  auto node = duckdb::make_uniq<duckdb::SelectNode>();
  node->select_list.push_back(duckdb::make_uniq<duckdb::ColumnRefExpression>(std::string(kSeqColumn), alias));
  node->select_list.push_back(duckdb::make_uniq<duckdb::ColumnRefExpression>(std::string(kRowIdColumn), alias));
  for (auto& v : values) node->select_list.push_back(std::move(v));
  auto ref = duckdb::make_uniq<duckdb::TableFunctionRef>();
  duckdb::vector<duckdb::unique_ptr<ParsedExpression>> args;
  args.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value(def.id.ToString())));
  ref->function = duckdb::make_uniq<duckdb::FunctionExpression>(kWriteScanFunction, std::move(args));
  ref->alias = alias;
  MarkInternal(*ref);
  node->from_table = std::move(ref);
  node->where_clause = std::move(condition);
  node->cte_map = ctes.Copy();
  auto select = duckdb::make_uniq<duckdb::SelectStatement>();
  select->node = std::move(node);
  return select;
}


Result<std::shared_ptr<const TableDefinition>> DmlExecutor::ResolveTarget(ExecContext& ctx, const std::string& schema,
                                                                          const std::string& table) {
  const NamespaceId ns = schema.empty() ? ctx.state.current_namespace : NamespaceId(ToLower(schema));
  if (ns.str() == kSystemNamespace) {
    return Status::PermissionDenied("Access denied: system tables are read-only");
  }
  const TableId id{ns, TableName(ToLower(table))};
  auto def = engine_.registry->FindTable(id);
  if (!def) {
    if (!engine_.registry->NamespaceExists(ns)) return NamespaceNotFound(ns.str());
    return Status::NotFound("Table " + id.ToString() + " does not exist");
  }
  return def;
}

Result<std::shared_ptr<const TableDefinition>> DmlExecutor::ResolveTargetRef(ExecContext& ctx,
                                                                             const duckdb::TableRef& ref) {
  if (ref.type != duckdb::TableReferenceType::BASE_TABLE) {
    return Status::InvalidArgument("The target of UPDATE or DELETE must be a table");
  }
  const auto& base = ref.Cast<duckdb::BaseTableRef>();
  if (!base.catalog_name.empty()) {
    if (ToLower(base.catalog_name) == kSystemNamespace && base.schema_name.empty()) {
      return Status::PermissionDenied("Access denied: system tables are read-only");
    }
    return Status::InvalidArgument("Table names have at most two parts: namespace.table");
  }
  return ResolveTarget(ctx, base.schema_name, base.table_name);
}

Status DmlExecutor::CheckWritable(ExecContext& ctx, const TableDefinition& def) {
  if (def.type == TableType::kShared) {
    if (ctx.acting_user != ctx.session.user_id()) {
      return Status::InvalidOperation("EXECUTE AS USER is not allowed on SHARED tables");
    }
    return auth::CheckSharedWrite(ctx.acting_role, def.options.access_level, def.id.ToString());
  }
  return Status::Ok();
}

Result<std::vector<size_t>> DmlExecutor::InsertTargets(const TableDefinition& def,
                                                       const std::vector<std::string>& names) {
  std::vector<size_t> targets;
  if (names.empty()) {
    for (size_t i = 0; i < def.columns.size(); ++i) targets.push_back(i);
    return targets;
  }
  std::vector<bool> seen(def.columns.size(), false);
  for (const std::string& raw : names) {
    const std::string name = ToLower(raw);
    if (name == kSeqColumn || name == kDeletedColumn) {
      return Status::InvalidOperation("Cannot insert into system column '" + name + "'");
    }
    auto idx = def.FindColumn(name);
    if (!idx) return UnknownColumn(name, def);
    if (seen[*idx]) return Status::InvalidArgument("Column '" + name + "' specified more than once");
    seen[*idx] = true;
    targets.push_back(*idx);
  }
  return targets;
}

Result<StatementResult> DmlExecutor::WriteInsert(ExecContext& ctx, const TableDefinition& def,
                                                 const std::vector<size_t>& targets, std::vector<ProvidedRow>& provided,
                                                 duckdb::InsertStatement* statement) {
  if (provided.size() > engine_.config.max_write_rows) return TooManyRowsWritten(engine_.config.max_write_rows);
  // Complete each row: coerce provided values, evaluate defaults, check NOT NULL.
  DefaultEvaluator defaults(engine_.seq, ctx.acting_user, NowMicros());
  std::vector<std::vector<duckdb::Value>> rows;
  rows.reserve(provided.size());
  std::vector<int> slot_of_column(def.columns.size(), -1);
  for (size_t i = 0; i < targets.size(); ++i) slot_of_column[targets[i]] = static_cast<int>(i);
  for (auto& cells : provided) {
    if (rows.size() % 2048 == 2047) KALAM_RETURN_IF_ERROR(CheckDeadline(ctx, engine_));
    std::vector<duckdb::Value> row(def.columns.size());
    for (size_t c = 0; c < def.columns.size(); ++c) {
      const ColumnDefinition& column = def.columns[c];
      const int slot = slot_of_column[c];
      if (slot >= 0 && cells[slot].has_value()) {
        KALAM_ASSIGN_OR_RETURN(row[c], tables::CoerceToColumn(*cells[slot], column));
      } else {
        KALAM_ASSIGN_OR_RETURN(row[c], defaults.Evaluate(column));
      }
      if (row[c].IsNull() && !column.nullable) return NotNullViolation(column);
    }
    rows.push_back(std::move(row));
    // The provided copy is no longer needed: a large INSERT ... SELECT holds one copy of its
    // rows, not two.
    ProvidedRow().swap(cells);
  }
  if (statement && statement->on_conflict_info) {
    if (def.type == TableType::kStream) return Status::InvalidOperation("ON CONFLICT is not supported for STREAM tables");
    return Upsert(ctx, def, rows, *statement);
  }
  const bool returning = statement && !statement->returning_list.empty();
  if (rows.empty() && !returning) return MessageResult("Inserted 0 row(s)", 0, ctx.acting_user);
  KALAM_RETURN_IF_ERROR(CheckDeadline(ctx, engine_));
  std::vector<SeqId> seqs;
  if (def.type == TableType::kStream) {
    // In memory, outside RocksDB: a STREAM write cannot wait for a COMMIT or be rolled back.
    if (ctx.state.transaction) return StreamWriteInTransaction();
    KALAM_ASSIGN_OR_RETURN(seqs, engine_.streams->Insert(def, ScopeFor(ctx, def), rows, NowMicros() / 1000));
  } else {
    KALAM_ASSIGN_OR_RETURN(seqs, engine_.table_store->Insert(def, ScopeFor(ctx, def), rows, DeadlineCheck(ctx),
                                                             ctx.state.transaction));
  }
  if (returning) {
    std::vector<WrittenRow> written;
    for (size_t i = 0; i < rows.size(); ++i) written.push_back({&rows[i], seqs[i], false});
    return ReturningRows(engine_, ctx, def, def.id.table_name.str(), statement->returning_list, written,
                         statement->named_param_map);
  }
  return MessageResult("Inserted " + std::to_string(seqs.size()) + " row(s)", seqs.size(), ctx.acting_user);
}

Result<StatementResult> DmlExecutor::InsertSimple(ExecContext& ctx, const dialect::SimpleInsertStmt& statement) {
  const std::string schema = statement.table.namespace_id ? statement.table.namespace_id->str() : std::string();
  KALAM_ASSIGN_OR_RETURN(auto def_ptr, ResolveTarget(ctx, schema, statement.table.table_name.str()));
  const TableDefinition& def = *def_ptr;
  KALAM_RETURN_IF_ERROR(CheckWritable(ctx, def));
  KALAM_ASSIGN_OR_RETURN(std::vector<size_t> targets, InsertTargets(def, statement.columns));
  KALAM_RETURN_IF_ERROR(CheckParameterCount(ctx, statement.distinct_parameters));
  std::vector<ProvidedRow> provided;
  provided.reserve(statement.rows.size());
  for (const auto& row : statement.rows) {
    if (row.size() != targets.size()) {
      return Status::InvalidArgument("INSERT has " + std::to_string(row.size()) + " value(s) but " +
                                     std::to_string(targets.size()) + " target column(s)");
    }
    ProvidedRow cells(row.size());
    for (size_t i = 0; i < row.size(); ++i) {
      const dialect::InsertLiteral& lit = row[i];
      switch (lit.kind) {
        case dialect::InsertLiteral::Kind::kDefault: break;
        case dialect::InsertLiteral::Kind::kNull: cells[i] = duckdb::Value(); break;
        case dialect::InsertLiteral::Kind::kString: cells[i] = duckdb::Value(lit.text); break;
        case dialect::InsertLiteral::Kind::kInteger: cells[i] = duckdb::Value::BIGINT(lit.integer); break;
        case dialect::InsertLiteral::Kind::kBool: cells[i] = duckdb::Value::BOOLEAN(lit.boolean); break;
        case dialect::InsertLiteral::Kind::kBytes: cells[i] = duckdb::Value::BLOB_RAW(lit.text); break;
        case dialect::InsertLiteral::Kind::kDecimal:
          // Exact for DECIMAL columns; a plain number everywhere else (as DuckDB would type it).
          cells[i] = def.columns[targets[i]].type.kind == TypeKind::kDecimal
                         ? duckdb::Value(lit.text)
                         : duckdb::Value::DOUBLE(std::strtod(lit.text.c_str(), nullptr));
          break;
        case dialect::InsertLiteral::Kind::kParameter:
          if (lit.parameter > ctx.params.size()) {
            return InvalidParameter(ctx, lit.parameter, "no value given");
          }
          {
            // A parameter that cannot become the column's type is the request's fault
            // (INVALID_PARAMETER), not the statement's.
            auto coerced = tables::CoerceToColumn(ctx.params[lit.parameter - 1], def.columns[targets[i]]);
            if (!coerced.ok()) {
              return InvalidParameter(ctx, lit.parameter, coerced.status().message());
            }
            cells[i] = std::move(coerced).value();
          }
          break;
      }
    }
    provided.push_back(std::move(cells));
  }
  return WriteInsert(ctx, def, targets, provided);
}

Result<StatementResult> DmlExecutor::Insert(ExecContext& ctx, duckdb::InsertStatement& statement) {
  if (!statement.catalog.empty()) return Status::InvalidArgument("Table names have at most two parts: namespace.table");
  KALAM_ASSIGN_OR_RETURN(auto def_ptr, ResolveTarget(ctx, statement.schema, statement.table));
  const TableDefinition& def = *def_ptr;
  KALAM_RETURN_IF_ERROR(CheckWritable(ctx, def));
  KALAM_ASSIGN_OR_RETURN(std::vector<size_t> targets, InsertTargets(def, statement.columns));

  // Gather the provided values, one vector per row, in `targets` order. A missing value
  // (DEFAULT keyword) is an empty optional.
  std::vector<ProvidedRow> provided;
  auto* values_list = statement.default_values ? nullptr : statement.GetValuesList().get();
  if (statement.default_values) {
    provided.emplace_back(targets.size());
  } else if (values_list != nullptr) {
    for (auto& row : values_list->values) {
      if (row.size() != targets.size()) {
        return Status::InvalidArgument("INSERT has " + std::to_string(row.size()) + " value(s) but " +
                                       std::to_string(targets.size()) + " target column(s)");
      }
      ProvidedRow cells(row.size());
      std::vector<size_t> computed;  // cells DuckDB must evaluate
      for (size_t i = 0; i < row.size(); ++i) {
        ParsedExpression& e = *row[i];
        if (e.GetExpressionType() == ExpressionType::VALUE_DEFAULT) continue;
        if (e.GetExpressionType() == ExpressionType::VALUE_CONSTANT) {
          cells[i] = e.Cast<duckdb::ConstantExpression>().value;
        } else if (e.GetExpressionType() == ExpressionType::VALUE_PARAMETER) {
          KALAM_ASSIGN_OR_RETURN(size_t n, ParameterIndex(e.Cast<duckdb::ParameterExpression>(), statement));
          if (n == 0 || n > ctx.params.size()) {
            return InvalidParameter(ctx, n, "no value given");
          }
          cells[i] = ctx.params[n - 1];
        } else {
          computed.push_back(i);
        }
      }
      if (!computed.empty()) {
        auto node = duckdb::make_uniq<duckdb::SelectNode>();
        for (size_t i : computed) node->select_list.push_back(row[i]->Copy());
        node->from_table = duckdb::make_uniq<duckdb::EmptyTableRef>();
        auto select = duckdb::make_uniq<duckdb::SelectStatement>();
        select->node = std::move(node);
        select->named_param_map = statement.named_param_map;
        KALAM_ASSIGN_OR_RETURN(auto result, RunDuckDBStatement(ctx, std::move(select)));
        auto chunk = result->Fetch();
        if (!chunk || chunk->size() != 1) return Status::Internal("evaluating INSERT values returned no row");
        for (size_t k = 0; k < computed.size(); ++k) cells[computed[k]] = chunk->GetValue(k, 0);
      }
      provided.push_back(std::move(cells));
    }
  } else {
    // INSERT ... SELECT: DuckDB runs the query; each result row supplies the target columns.
    auto select = duckdb::unique_ptr_cast<duckdb::SQLStatement, duckdb::SQLStatement>(statement.select_statement->Copy());
    select->named_param_map = statement.named_param_map;
    KALAM_ASSIGN_OR_RETURN(auto result, RunDuckDBStatement(ctx, std::move(select)));
    if (result->ColumnCount() != targets.size()) {
      return Status::InvalidArgument("INSERT ... SELECT returns " + std::to_string(result->ColumnCount()) +
                                     " column(s) but " + std::to_string(targets.size()) + " target column(s)");
    }
    const uint64_t max_rows = engine_.config.max_write_rows;
    while (auto chunk = result->Fetch()) {
      if (chunk->size() == 0) break;
      // Stop as soon as the statement is over a limit, before its rows pile up.
      if (provided.size() + chunk->size() > max_rows) return TooManyRowsWritten(max_rows);
      KALAM_RETURN_IF_ERROR(CheckDeadline(ctx, engine_));
      for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
        ProvidedRow cells(targets.size());
        for (size_t c = 0; c < targets.size(); ++c) cells[c] = chunk->GetValue(c, r);
        provided.push_back(std::move(cells));
      }
    }
    if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  }
  return WriteInsert(ctx, def, targets, provided, &statement);
}

Result<std::vector<tables::RowChange>> DmlExecutor::CollectChanges(ExecContext& ctx, const TableDefinition& def,
                                                                   duckdb::unique_ptr<duckdb::SQLStatement> select,
                                                                   const std::vector<bool>& assigned) {
  KALAM_ASSIGN_OR_RETURN(auto result, RunDuckDBStatement(ctx, std::move(select)));
  std::vector<tables::RowChange> changes;
  const uint64_t max_rows = engine_.config.max_write_rows;
  while (auto chunk = result->Fetch()) {
    if (chunk->size() == 0) break;
    // Stop as soon as the statement is over a limit, before its changes pile up.
    if (changes.size() + chunk->size() > max_rows) return TooManyRowsWritten(max_rows);
    KALAM_RETURN_IF_ERROR(CheckDeadline(ctx, engine_));
    for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
      tables::RowChange change;
      change.current_seq = chunk->GetValue(0, r).GetValue<int64_t>();
      change.row_id = static_cast<uint64_t>(chunk->GetValue(1, r).GetValue<int64_t>());
      change.values.reserve(def.columns.size());
      for (size_t c = 0; c < def.columns.size(); ++c) {
        duckdb::Value v = chunk->GetValue(2 + c, r);
        if (assigned[c]) {
          KALAM_ASSIGN_OR_RETURN(v, tables::CoerceToColumn(v, def.columns[c]));
          if (v.IsNull() && !def.columns[c].nullable) return NotNullViolation(def.columns[c]);
        }
        change.values.push_back(std::move(v));
      }
      // UPDATE: the assigned columns' old values come after the new row (see Update).
      if (chunk->ColumnCount() > 2 + def.columns.size()) {
        change.old_values = change.values;
        size_t extra = 2 + def.columns.size();
        for (size_t c = 0; c < def.columns.size(); ++c) {
          if (assigned[c]) change.old_values[c] = chunk->GetValue(extra++, r);
        }
      }
      changes.push_back(std::move(change));
    }
  }
  if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  KALAM_RETURN_IF_ERROR(CheckDeadline(ctx, engine_));
  return changes;
}

Status DmlExecutor::BuildAssignments(const TableDefinition& def, const duckdb::UpdateSetInfo& set,
                                     const std::string& alias,
                                     std::vector<duckdb::unique_ptr<ParsedExpression>>* out,
                                     std::vector<bool>* assigned_out) {
  std::vector<duckdb::unique_ptr<ParsedExpression>> values(def.columns.size());
  std::vector<bool> assigned(def.columns.size(), false);
  for (size_t i = 0; i < set.columns.size(); ++i) {
    const std::string name = ToLower(set.columns[i]);
    if (name == kSeqColumn || name == kDeletedColumn) {
      return Status::InvalidOperation("Cannot update system column '" + name + "'");
    }
    auto idx = def.FindColumn(name);
    if (!idx) return UnknownColumn(name, def);
    if (def.columns[*idx].primary_key) {
      return Status::InvalidOperation("Cannot update primary key column '" + name + "'");
    }
    if (assigned[*idx]) return Status::InvalidArgument("Column '" + name + "' assigned more than once");
    if (set.expressions[i]->GetExpressionType() == ExpressionType::VALUE_DEFAULT) {
      return Status::Unsupported("Not supported yet: SET column = DEFAULT");
    }
    values[*idx] = set.expressions[i]->Copy();
    assigned[*idx] = true;
  }
  for (size_t c = 0; c < def.columns.size(); ++c) {
    if (!values[c]) values[c] = duckdb::make_uniq<duckdb::ColumnRefExpression>(def.columns[c].name, alias);
  }
  // The old values of the assigned columns follow the new row: live queries report the
  // replaced version as `old_values` and need it to decide enter/leave.
  for (size_t c = 0; c < def.columns.size(); ++c) {
    if (assigned[c]) values.push_back(duckdb::make_uniq<duckdb::ColumnRefExpression>(def.columns[c].name, alias));
  }
  *out = std::move(values);
  *assigned_out = std::move(assigned);
  return Status::Ok();
}

Result<StatementResult> DmlExecutor::Update(ExecContext& ctx, duckdb::UpdateStatement& statement) {
  if (statement.from_table) return Status::Unsupported("Not supported yet: UPDATE ... FROM");
  KALAM_ASSIGN_OR_RETURN(auto def_ptr, ResolveTargetRef(ctx, *statement.table));
  const TableDefinition& def = *def_ptr;
  KALAM_RETURN_IF_ERROR(CheckWritable(ctx, def));
  if (def.type == TableType::kStream) return Status::InvalidOperation("UPDATE is not supported for STREAM tables");
  const std::string alias = statement.table->alias.empty() ? def.id.table_name.str() : statement.table->alias;

  auto& set = *statement.set_info;
  std::vector<duckdb::unique_ptr<ParsedExpression>> values;
  std::vector<bool> assigned;
  KALAM_RETURN_IF_ERROR(BuildAssignments(def, set, alias, &values, &assigned));
  auto select = BuildWriteSelect(def, alias, std::move(values), set.condition ? set.condition->Copy() : nullptr,
                                 statement.cte_map);
  select->named_param_map = statement.named_param_map;
  KALAM_ASSIGN_OR_RETURN(auto changes, CollectChanges(ctx, def, std::move(select), assigned));
  size_t n = 0;
  std::vector<SeqId> seqs;
  if (!changes.empty()) {
    KALAM_ASSIGN_OR_RETURN(n, engine_.table_store->Update(def, ScopeFor(ctx, def), changes, DeadlineCheck(ctx),
                                                          ctx.state.transaction, &seqs));
  }
  if (!statement.returning_list.empty()) {
    return ReturningRows(engine_, ctx, def, alias, statement.returning_list, Written(changes, seqs, false),
                         statement.named_param_map);
  }
  return MessageResult("Updated " + std::to_string(n) + " row(s)", n, ctx.acting_user);
}

Result<StatementResult> DmlExecutor::Delete(ExecContext& ctx, duckdb::DeleteStatement& statement) {
  if (!statement.using_clauses.empty()) return Status::Unsupported("Not supported yet: DELETE ... USING");
  KALAM_ASSIGN_OR_RETURN(auto def_ptr, ResolveTargetRef(ctx, *statement.table));
  const TableDefinition& def = *def_ptr;
  KALAM_RETURN_IF_ERROR(CheckWritable(ctx, def));
  const std::string alias = statement.table->alias.empty() ? def.id.table_name.str() : statement.table->alias;
  std::vector<duckdb::unique_ptr<ParsedExpression>> values;
  for (const ColumnDefinition& c : def.columns) {
    values.push_back(duckdb::make_uniq<duckdb::ColumnRefExpression>(c.name, alias));
  }
  auto select = BuildWriteSelect(def, alias, std::move(values),
                                 statement.condition ? statement.condition->Copy() : nullptr, statement.cte_map);
  select->named_param_map = statement.named_param_map;
  KALAM_ASSIGN_OR_RETURN(auto changes,
                         CollectChanges(ctx, def, std::move(select), std::vector<bool>(def.columns.size(), false)));
  size_t n = 0;
  std::vector<SeqId> seqs;
  if (!changes.empty()) {
    if (def.type == TableType::kStream) {
      if (ctx.state.transaction) return StreamWriteInTransaction();
      KALAM_ASSIGN_OR_RETURN(n, engine_.streams->Delete(def, ScopeFor(ctx, def), changes));
      // A physical delete leaves no version: RETURNING reports the rows as they were.
      for (const auto& change : changes) seqs.push_back(change.current_seq);
    } else {
      KALAM_ASSIGN_OR_RETURN(n, engine_.table_store->Delete(def, ScopeFor(ctx, def), changes, DeadlineCheck(ctx),
                                                            ctx.state.transaction, &seqs));
    }
  }
  if (!statement.returning_list.empty()) {
    return ReturningRows(engine_, ctx, def, alias, statement.returning_list, Written(changes, seqs, true),
                         statement.named_param_map);
  }
  return MessageResult("Deleted " + std::to_string(n) + " row(s)", n, ctx.acting_user);
}

}  // namespace kalam::core
