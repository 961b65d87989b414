#include "duckdb_bridge.h"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/external_dependencies.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_comparison_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb/transaction/meta_transaction.hpp"
#include "duckdb_errors.h"
#include "engine_context.h"
#include "function_guard.h"
#include "plan_guard.h"
#include "cold_tier.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "query_state.h"
#include "scalar_functions.h"
#include "system_scan_function.h"

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

TableId ParseTableId(const std::string& text) {
  const size_t dot = text.find('.');
  return TableId{NamespaceId(text.substr(0, dot)), TableName(dot == std::string::npos ? "" : text.substr(dot + 1))};
}

// The scan below reports its refusals under this name.
[[noreturn]] void ThrowDenied(QueryState& state, const Status& status) { ThrowStatus(state, status); }

const duckdb::shared_ptr<duckdb::ExternalDependency>& InternalMark() {
  static const auto mark = duckdb::make_shared_ptr<duckdb::ExternalDependency>();
  return mark;
}

// ---- kalam_scan / kalam_scan_for_write ---------------------------------------------------

struct ScanBindData : public duckdb::TableFunctionData {
  std::shared_ptr<const TableDefinition> def;
  bool for_write = false;
  // Key-range hints taken from the query's filters. The filters themselves stay in the plan
  // (DuckDB still applies them), so a hint only has to be a superset, never exact.
  SeqId min_seq_exclusive = 0;
  SeqId max_seq_inclusive = INT64_MAX;
  std::optional<duckdb::Value> primary_key;  // coerced to the key column's type
  // Comparisons of user columns with constants, for the Parquet read (used only where every
  // row has one version in the cold tier; see ColdTier::ColdQuery).
  std::vector<ColdComparison> column_comparisons;
};

// `seq - 1` without overflowing at INT64_MIN (no stored `_seq` is negative anyway).
SeqId SeqBefore(SeqId seq) { return seq == INT64_MIN ? INT64_MIN : seq - 1; }

// Reads `_seq` ranges and primary-key equality out of the WHERE clause so the scan seeks
// instead of reading the whole (table, user) range.
void PushdownFilters(ClientContext&, duckdb::LogicalGet& get, FunctionData* bind_data,
                     duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>& filters) {
  auto& data = bind_data->Cast<ScanBindData>();
  const TableDefinition& def = *data.def;
  const auto pk = def.PrimaryKeyIndex();
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
    if (value.IsNull()) continue;
    const idx_t id = column_ids[ref.binding.column_index].GetPrimaryIndex();
    if (id == def.columns.size()) {  // _seq
      duckdb::Value as_bigint;
      std::string error;
      if (!value.DefaultTryCastAs(LogicalType::BIGINT, as_bigint, &error, /*strict=*/true)) continue;
      const SeqId seq = as_bigint.GetValue<int64_t>();
      switch (type) {
        case duckdb::ExpressionType::COMPARE_GREATERTHAN: data.min_seq_exclusive = std::max(data.min_seq_exclusive, seq); break;
        case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO:
          data.min_seq_exclusive = std::max(data.min_seq_exclusive, SeqBefore(seq));
          break;
        case duckdb::ExpressionType::COMPARE_LESSTHAN: data.max_seq_inclusive = std::min(data.max_seq_inclusive, SeqBefore(seq)); break;
        case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
          data.max_seq_inclusive = std::min(data.max_seq_inclusive, seq);
          break;
        case duckdb::ExpressionType::COMPARE_EQUAL:
          data.min_seq_exclusive = std::max(data.min_seq_exclusive, SeqBefore(seq));
          data.max_seq_inclusive = std::min(data.max_seq_inclusive, seq);
          break;
        default: break;
      }
    } else if (id < def.columns.size()) {
      if (pk && id == *pk && type == duckdb::ExpressionType::COMPARE_EQUAL) {
        auto coerced = tables::CoerceToColumn(value, def.columns[*pk]);
        if (coerced.ok()) data.primary_key = std::move(coerced).value();
      }
      auto coerced = tables::CoerceToColumn(value, def.columns[id]);
      if (coerced.ok() && ColdComparison::Supported(type)) {
        data.column_comparisons.push_back(ColdComparison{static_cast<uint32_t>(id), type, std::move(coerced).value()});
      }
    }
  }
}

// A scan reads the hot tier first, remembering every identity it saw, then the scope's
// Parquet segments, skipping versions the hot tier supersedes.
struct ScanGlobalState : public GlobalTableFunctionState {
  std::unique_ptr<tables::HotScanner> scanner;
  bool hot_done = false;
  bool include_tombstones = false;
  size_t projected = 0;
  std::unordered_set<std::string> hot_identities;
  std::string cold_sql;  // empty: no cold segments to read
  std::string cold_sql_without_identity;  // used when the hot tier held nothing to skip
  std::unique_ptr<duckdb::Connection> cold_connection;
  std::unique_ptr<duckdb::QueryResult> cold_result;
  duckdb::unique_ptr<DataChunk> cold_chunk;  // referenced by the output until the next call
  idx_t MaxThreads() const override { return 1; }
};

duckdb::unique_ptr<FunctionData> BindScan(ClientContext& context, TableFunctionBindInput& input,
                                          duckdb::vector<LogicalType>& types, duckdb::vector<std::string>& names,
                                          bool for_write) {
  QueryState& state = QueryState::Get(context);
  if (for_write) RequireInternal(state, input);
  const TableId id = ParseTableId(input.inputs[0].GetValue<std::string>());
  auto def = state.engine.registry->FindTable(id);
  if (!def) throw duckdb::CatalogException("Table '" + id.ToString() + "' does not exist");
  if (def->type == TableType::kShared && state.impersonating) {
    ThrowDenied(state, Status::InvalidOperation("EXECUTE AS USER is not allowed on SHARED tables"));
  }
  if (def->type == TableType::kShared) {
    Status s = auth::CheckSharedRead(state.acting_role, def->options.access_level, id.ToString());
    if (!s.ok()) ThrowDenied(state, s);
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
  return std::move(data);
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
  auto global = duckdb::make_uniq<ScanGlobalState>();
  tables::HotScanOptions options;
  options.include_tombstones = state.include_tombstones && !bind.for_write;
  options.min_seq_exclusive = bind.min_seq_exclusive;
  options.max_seq_inclusive = bind.max_seq_inclusive;
  global->include_tombstones = options.include_tombstones;
  global->projected = projection.size();
  SeqId hot_floor = 0;  // hot versions at or below this were flushed (and are in Parquet)
  // The snapshot comes first: a flush commits its manifest before deleting the hot versions,
  // so segments read after the snapshot always cover what the snapshot no longer holds.
  auto snapshot = state.StatementSnapshot();
  if (def.type != TableType::kStream) {
    auto segments = state.engine.cold->Segments(def, scope);
    if (!segments.ok()) throw duckdb::IOException(segments.status().message());
    std::vector<ColdSegment> wanted;
    for (const ColdSegment& segment : **segments) {
      hot_floor = std::max(hot_floor, segment.flushed_upto_seq);
      // Versions at or below the lower bound cannot match, and any newer version of the
      // same row lives in a newer segment or the hot tier: skipping is safe.
      if (segment.max_seq <= options.min_seq_exclusive) continue;
      // A primary-key lookup: a segment whose key range excludes the value holds no version
      // of that row, so no version it holds could hide or be hidden by one that matches.
      if (bind.primary_key && !segment.MayContainKey(*bind.primary_key)) continue;
      wanted.push_back(segment);
    }
    if (!wanted.empty()) {
      ColdFilter filter;
      filter.min_seq_exclusive = options.min_seq_exclusive;
      if (bind.primary_key) filter.primary_key = &*bind.primary_key;
      filter.comparisons = &bind.column_comparisons;
      global->cold_sql = ColdTier::ColdQuery(def, projection, wanted, filter);
      global->cold_sql_without_identity = ColdTier::ColdQuery(def, projection, wanted, filter, /*with_identity=*/false);
      options.identities = &global->hot_identities;
      // An upper bound would hide hot versions that supersede older cold ones.
      options.max_seq_inclusive = INT64_MAX;
    }
  }
  if (bind.primary_key) {
    // A primary-key lookup: at most one hot version, found through the index.
    auto found = state.engine.table_store->FindByPrimaryKey(def, scope, *bind.primary_key, snapshot.get());
    if (!found.ok()) throw duckdb::IOException(found.status().message());
    const SeqId seq = found->value_or(0);
    if (!found->has_value() || seq <= options.min_seq_exclusive || seq > options.max_seq_inclusive) {
      options.min_seq_exclusive = 1;
      options.max_seq_inclusive = 0;  // empty range
    } else {
      options.min_seq_exclusive = SeqBefore(seq);
      options.max_seq_inclusive = seq;
    }
  }
  // Start the hot read past everything already flushed: those keys are deleted (a range
  // tombstone RocksDB would otherwise step through key by key until compaction) or, after a
  // crash between commit and cleanup, duplicates of versions the cold read returns anyway.
  options.min_seq_exclusive = std::max(options.min_seq_exclusive, hot_floor);
  global->scanner = std::make_unique<tables::HotScanner>(*state.engine.backend, bind.def, std::move(scope),
                                                         std::move(snapshot), std::move(projection), options);
  return std::move(global);
}

void RunScan(ClientContext& context, TableFunctionInput& input, DataChunk& output) {
  auto& global = input.global_state->Cast<ScanGlobalState>();
  if (!global.hot_done) {
    const idx_t n = global.scanner->Fill(output);
    if (!global.scanner->status().ok()) throw duckdb::IOException(global.scanner->status().message());
    if (n > 0) return;
    global.hot_done = true;
  }
  if (global.cold_sql.empty()) {
    output.SetCardinality(0);
    return;
  }
  if (!global.cold_result) {
    global.cold_connection = QueryState::Get(context).engine.cold->Connect();
    global.cold_result = global.cold_connection->SendQuery(
        global.hot_identities.empty() ? global.cold_sql_without_identity : global.cold_sql);
    if (global.cold_result->HasError()) throw duckdb::IOException(global.cold_result->GetError());
  }
  const size_t p = global.projected;
  while (true) {
    global.cold_chunk = global.cold_result->Fetch();
    if (global.cold_result->HasError()) throw duckdb::IOException(global.cold_result->GetError());
    if (!global.cold_chunk || global.cold_chunk->size() == 0) {
      output.SetCardinality(0);
      return;
    }
    DataChunk& chunk = *global.cold_chunk;
    duckdb::UnifiedVectorFormat ids, deleted;
    chunk.data[p].ToUnifiedFormat(chunk.size(), ids);
    chunk.data[p + 1].ToUnifiedFormat(chunk.size(), deleted);
    const auto* id_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(ids);
    const auto* deleted_data = duckdb::UnifiedVectorFormat::GetData<bool>(deleted);
    duckdb::SelectionVector keep(chunk.size());
    idx_t kept = 0;
    for (idx_t r = 0; r < chunk.size(); ++r) {
      const idx_t di = deleted.sel->get_index(r);
      if (!global.include_tombstones && deleted.validity.RowIsValid(di) && deleted_data[di]) continue;
      const idx_t ii = ids.sel->get_index(r);
      if (!global.hot_identities.empty() && ids.validity.RowIsValid(ii) &&
          global.hot_identities.count(id_data[ii].GetString())) {
        continue;  // the hot tier holds a newer version of this row
      }
      keep.set_index(kept++, r);
    }
    if (kept == 0) continue;
    for (size_t j = 0; j < p; ++j) output.data[j].Slice(chunk.data[j], keep, kept);
    output.SetCardinality(kept);
    return;
  }
}

}  // namespace

void MarkInternal(duckdb::TableRef& ref) { ref.external_dependency = InternalMark(); }

void RequireInternal(QueryState& state, const duckdb::TableFunctionBindInput& input) {
  if (input.ref.external_dependency != InternalMark()) {
    ThrowStatus(state, Status::PermissionDenied("Access denied: function '" + input.table_function.name +
                                                "' is not available"));
  }
}

Status RegisterFunctions(duckdb::Connection& connection) {
  ClientContext& context = *connection.context;
  try {
    connection.BeginTransaction();
    auto& system_catalog = duckdb::Catalog::GetSystemCatalog(context);
    auto add_table_function = [&](duckdb::TableFunction fn) {
      duckdb::CreateTableFunctionInfo info(fn);
      system_catalog.CreateTableFunction(context, info);
    };
    duckdb::TableFunction scan(kScanFunction, {LogicalType::VARCHAR}, RunScan, BindReadScan, InitScan);
    scan.projection_pushdown = true;
    scan.pushdown_complex_filter = PushdownFilters;
    add_table_function(scan);
    duckdb::TableFunction write_scan(kWriteScanFunction, {LogicalType::VARCHAR}, RunScan, BindWriteScan, InitScan);
    write_scan.projection_pushdown = true;
    write_scan.pushdown_complex_filter = PushdownFilters;
    add_table_function(write_scan);
    add_table_function(SystemScanFunction());
    CloseRefusedFunctions(context);
    // Here rather than in ConfigureDuckDB: DuckDB 1.4 does not copy optimizer extensions from
    // the DBConfig it starts with.
    duckdb::DBConfig::GetConfig(context).optimizer_extensions.push_back(PlanGuardExtension());

    auto& catalog = duckdb::Catalog::GetCatalog(context, "memory");
    duckdb::MetaTransaction::Get(context).ModifyDatabase(catalog.GetAttached());
    RegisterScalarFunctions(context, catalog);
    connection.Commit();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("registering DuckDB functions failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace kalam::core
