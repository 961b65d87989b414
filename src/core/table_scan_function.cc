#include "table_scan_function.h"

#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_comparison_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb_bridge.h"
#include "duckdb_errors.h"
#include "engine_context.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/commons/table_id_text.h"
#include "kalam/tables/cold_query.h"
#include "kalam/tables/stream_scan.h"
#include "kalam/tables/table_scan.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "query_state.h"
#include "scan_hints.h"

namespace kalam::core {
namespace {

using duckdb::ClientContext;
using duckdb::DataChunk;
using duckdb::FunctionData;
using duckdb::GlobalTableFunctionState;
using duckdb::idx_t;
using duckdb::LogicalType;
using duckdb::TableFunctionBindInput;
using duckdb::TableFunctionInitInput;
using duckdb::TableFunctionInput;

struct ScanBindData : public duckdb::TableFunctionData {
  std::shared_ptr<const TableDefinition> def;
  bool for_write = false;
  // Key-range hints taken from the query's filters. The filters themselves stay in the plan
  // (DuckDB still applies them), so a hint only has to be a superset, never exact.
  ScanHints hints;
};

// Reads `_seq` ranges and primary-key equality out of the WHERE clause so the scan seeks
// instead of reading the whole (table, user) range.
void PushdownFilters(ClientContext&, duckdb::LogicalGet& get, FunctionData* bind_data,
                     duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>& filters) {
  auto& data = bind_data->Cast<ScanBindData>();
  const TableDefinition& def = *data.def;
  const auto& column_ids = get.GetColumnIds();
  for (const auto& filter : filters) {
    if (filter->GetExpressionClass() != duckdb::ExpressionClass::BOUND_COMPARISON) continue;
    auto& cmp = filter->Cast<duckdb::BoundComparisonExpression>();
    duckdb::Expression* column = cmp.left.get();
    duckdb::Expression* constant = cmp.right.get();
    duckdb::ExpressionType type = cmp.GetExpressionType();
    if (column->GetExpressionClass() == duckdb::ExpressionClass::BOUND_CONSTANT) {
      std::swap(column, constant);
      type = duckdb::FlipComparisonExpression(type);
    }
    if (column->GetExpressionClass() != duckdb::ExpressionClass::BOUND_COLUMN_REF ||
        constant->GetExpressionClass() != duckdb::ExpressionClass::BOUND_CONSTANT) {
      continue;
    }
    const auto& ref = column->Cast<duckdb::BoundColumnRefExpression>();
    if (ref.binding.table_index != get.table_index || ref.binding.column_index >= column_ids.size()) continue;
    const duckdb::Value& value = constant->Cast<duckdb::BoundConstantExpression>().value;
    data.hints.Add(def, column_ids[ref.binding.column_index].GetPrimaryIndex(), type, value);
  }
}

struct ScanGlobalState : public GlobalTableFunctionState {
  std::unique_ptr<tables::TableScan> scan;
  std::unique_ptr<tables::StreamScan> stream;  // instead of `scan`, for STREAM tables
  idx_t MaxThreads() const override { return 1; }
};

duckdb::unique_ptr<FunctionData> BindScan(ClientContext& context, TableFunctionBindInput& input,
                                          duckdb::vector<LogicalType>& types, duckdb::vector<std::string>& names,
                                          bool for_write) {
  QueryState& state = QueryState::Get(context);
  if (for_write) RequireInternal(state, input);
  const std::string text = input.inputs[0].GetValue<std::string>();
  const std::optional<TableId> id = ParseTableId(text);
  auto def = id ? state.engine.registry->FindTable(*id) : nullptr;
  if (!def) throw duckdb::CatalogException("Table '" + text + "' does not exist");
  if (def->type == TableType::kShared && state.impersonating) {
    ThrowStatus(state, Status::InvalidOperation("EXECUTE AS USER is not allowed on SHARED tables"));
  }
  if (def->type == TableType::kShared) {
    Status s = auth::CheckSharedRead(state.acting_role, def->options.access_level, id->ToString());
    if (!s.ok()) ThrowStatus(state, s);
  }
  for (const ColumnDefinition& c : def->columns) {
    names.push_back(c.name);
    types.push_back(tables::ToLogicalType(c.type));
  }
  names.emplace_back(kSeqColumn);
  types.push_back(LogicalType::BIGINT);
  names.emplace_back(kDeletedColumn);
  types.push_back(LogicalType::BOOLEAN);
  if (for_write) {
    names.emplace_back(kRowIdColumn);
    types.push_back(LogicalType::BIGINT);
  }
  state.RecordBound(def);
  auto data = duckdb::make_uniq<ScanBindData>();
  data->def = std::move(def);
  data->for_write = for_write;
  return data;
}

duckdb::unique_ptr<FunctionData> BindReadScan(ClientContext& context, TableFunctionBindInput& input,
                                              duckdb::vector<LogicalType>& types, duckdb::vector<std::string>& names) {
  return BindScan(context, input, types, names, /*for_write=*/false);
}

duckdb::unique_ptr<FunctionData> BindWriteScan(ClientContext& context, TableFunctionBindInput& input,
                                               duckdb::vector<LogicalType>& types, duckdb::vector<std::string>& names) {
  return BindScan(context, input, types, names, /*for_write=*/true);
}

duckdb::unique_ptr<GlobalTableFunctionState> InitScan(ClientContext& context, TableFunctionInitInput& input) {
  QueryState& state = QueryState::Get(context);
  const auto& bind = input.bind_data->Cast<ScanBindData>();
  const TableDefinition& def = *bind.def;
  const idx_t ncols = def.columns.size();
  tables::ScanProjection projection;
  for (const duckdb::column_t id : input.column_ids) {
    tables::ScanColumn col;
    if (id < ncols) {
      col.kind = tables::ScanColumn::Kind::kUserColumn;
      col.column_index = static_cast<uint32_t>(id);
    } else if (id == ncols + 1) {
      col.kind = tables::ScanColumn::Kind::kDeleted;
    } else if (id == ncols + 2) {
      col.kind = tables::ScanColumn::Kind::kRowId;
    } else {
      col.kind = tables::ScanColumn::Kind::kSeq;  // _seq, or DuckDB's row-id placeholder
    }
    projection.push_back(col);
  }
  // Isolation: a USER table's scope is the acting user at execution time.
  std::string scope = def.type == TableType::kUser || def.type == TableType::kStream ? state.acting_user.str() : "";
  tables::TableScanOptions options;
  options.include_tombstones = state.include_tombstones && !bind.for_write;
  options.min_seq_exclusive = bind.hints.min_seq_exclusive;
  options.max_seq_hint = bind.hints.max_seq_inclusive;
  options.primary_key = bind.hints.primary_key;
  options.comparisons = &bind.hints.column_comparisons;
  auto global = duckdb::make_uniq<ScanGlobalState>();
  if (def.type == TableType::kStream) {
    // In memory: the rows within the TTL now, in the acting user's buffer.
    tables::StreamRows rows = state.engine.streams->Read(def, scope, bind.hints.min_seq_exclusive,
                                                         bind.hints.max_seq_inclusive, NowMicros() / 1000);
    global->stream = std::make_unique<tables::StreamScan>(bind.def, std::move(rows), std::move(projection));
    return global;
  }
  // The snapshot comes first: a flush commits its manifest before deleting the hot versions,
  // so segments read after the snapshot always cover what the snapshot no longer holds.
  auto snapshot = state.StatementSnapshot();
  auto listed = state.engine.cold->Segments(def, scope);
  if (!listed.ok()) throw duckdb::IOException(listed.status().message());
  std::shared_ptr<const std::vector<tables::ColdSegment>> segments = std::move(listed).value();
  global->scan = std::make_unique<tables::TableScan>(*state.engine.table_store, state.engine.cold->parquet(), bind.def,
                                                     std::move(scope), std::move(snapshot), std::move(segments),
                                                     std::move(projection), std::move(options));
  return global;
}

void RunScan(ClientContext&, TableFunctionInput& input, DataChunk& output) {
  auto& global = input.global_state->Cast<ScanGlobalState>();
  if (global.stream) {
    global.stream->Fill(output);
    if (!global.stream->status().ok()) throw duckdb::IOException(global.stream->status().message());
    return;
  }
  auto& scan = *global.scan;
  scan.Fill(output);
  if (!scan.status().ok()) throw duckdb::IOException(scan.status().message());
}

}  // namespace

duckdb::TableFunction TableScanFunction(const char* name, bool for_write) {
  duckdb::TableFunction fn(name, {LogicalType::VARCHAR}, RunScan, for_write ? BindWriteScan : BindReadScan, InitScan);
  fn.projection_pushdown = true;
  fn.pushdown_complex_filter = PushdownFilters;
  return fn;
}

}  // namespace kalam::core
