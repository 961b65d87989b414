#include "duckdb_bridge.h"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/function/replacement_scan.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/external_dependencies.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_comparison_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb/transaction/meta_transaction.hpp"
#include "engine_context.h"
#include "function_guard.h"
#include "plan_guard.h"
#include "cold_tier.h"
#include "id_functions.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/system/job_repository.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "query_memory.h"
#include "query_state.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

using duckdb::ClientContext;
using duckdb::DataChunk;
using duckdb::ExpressionState;
using duckdb::FunctionData;
using duckdb::GlobalTableFunctionState;
using duckdb::idx_t;
using duckdb::LogicalType;
using duckdb::TableFunctionBindInput;
using duckdb::TableFunctionInitInput;
using duckdb::TableFunctionInput;
using duckdb::Vector;

std::string SystemQualified(std::string_view name) { return "system." + std::string(name); }

TableId ParseTableId(const std::string& text) {
  const size_t dot = text.find('.');
  return TableId{NamespaceId(text.substr(0, dot)), TableName(dot == std::string::npos ? "" : text.substr(dot + 1))};
}

// Throws a DuckDB exception carrying our status; the engine turns it back into the Status.
[[noreturn]] void ThrowDenied(QueryState& state, const Status& status) {
  state.RecordBindError(status);
  throw duckdb::PermissionException(status.message());
}

const duckdb::shared_ptr<duckdb::ExternalDependency>& InternalMark() {
  static const auto mark = duckdb::make_shared_ptr<duckdb::ExternalDependency>();
  return mark;
}

void RequireInternal(QueryState& state, const TableFunctionBindInput& input) {
  if (input.ref.external_dependency != InternalMark()) {
    ThrowDenied(state, Status::PermissionDenied("Access denied: function '" + input.table_function.name +
                                                "' is not available"));
  }
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
  return global;
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

// ---- kalam_system_scan -------------------------------------------------------------------

struct SystemBindData : public duckdb::TableFunctionData {
  std::string name;
  std::vector<system::RowSetColumn> columns;
};

struct SystemGlobalState : public GlobalTableFunctionState {
  system::RowSet rows;
  size_t offset = 0;
};

duckdb::unique_ptr<FunctionData> BindSystemScan(ClientContext& context, TableFunctionBindInput& input,
                                                duckdb::vector<LogicalType>& types,
                                                duckdb::vector<std::string>& names) {
  QueryState& state = QueryState::Get(context);
  RequireInternal(state, input);
  std::string name = input.inputs[0].GetValue<std::string>();
  // The denial names the table as the client wrote it, before the alias is resolved.
  Status s = auth::CheckSystemTableRead(state.acting_role, name);
  if (!s.ok()) ThrowDenied(state, s);
  if (name == "live_queries") name = "live";
  if (!system::SystemTables::Exists(name)) {
    throw duckdb::CatalogException("Table '" + SystemQualified(name) + "' does not exist");
  }
  auto data = duckdb::make_uniq<SystemBindData>();
  data->name = name;
  data->columns = system::SystemTables::Columns(name);
  for (const auto& c : data->columns) {
    names.push_back(c.name);
    types.push_back(tables::ToLogicalType(c.type));
  }
  return data;
}

duckdb::unique_ptr<GlobalTableFunctionState> InitSystemScan(ClientContext& context, TableFunctionInitInput& input) {
  QueryState& state = QueryState::Get(context);
  const auto& bind = input.bind_data->Cast<SystemBindData>();
  auto result = BuildSystemRowSet(state.engine, bind.name);
  if (!result.ok()) throw duckdb::IOException(result.status().message());
  auto global = duckdb::make_uniq<SystemGlobalState>();
  global->rows = std::move(result).value();
  return global;
}

void RunSystemScan(ClientContext& context, TableFunctionInput& input, DataChunk& output) {
  auto& global = input.global_state->Cast<SystemGlobalState>();
  const auto& rows = global.rows.rows;
  idx_t n = 0;
  while (global.offset < rows.size() && n < STANDARD_VECTOR_SIZE) {
    const auto& row = rows[global.offset++];
    for (size_t c = 0; c < row.size(); ++c) {
      output.SetValue(c, n, CellToValue(row[c], global.rows.columns[c].type));
    }
    ++n;
  }
  output.SetCardinality(n);
}

// ---- replacement scan --------------------------------------------------------------------

duckdb::unique_ptr<duckdb::TableRef> MakeFunctionRef(const char* function, std::string argument,
                                                     const std::string& alias) {
  auto ref = duckdb::make_uniq<duckdb::TableFunctionRef>();
  duckdb::vector<duckdb::unique_ptr<duckdb::ParsedExpression>> children;
  children.push_back(duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value(std::move(argument))));
  ref->function = duckdb::make_uniq<duckdb::FunctionExpression>(function, std::move(children));
  ref->alias = alias;
  return ref;
}

duckdb::unique_ptr<duckdb::TableRef> ReplaceTable(ClientContext& context, duckdb::ReplacementScanInput& input,
                                                  duckdb::optional_ptr<duckdb::ReplacementScanData>) {
  auto* state_ptr = context.registered_state->Get<QueryState>(QueryState::kKey).get();
  if (state_ptr == nullptr) return nullptr;
  QueryState& state = *state_ptr;
  const std::string table = ToLower(input.table_name);
  std::string ns;
  // `system.users` reaches us as catalog "system" (DuckDB's own catalog name) and no schema.
  if (ToLower(input.catalog_name) == kSystemNamespace && input.schema_name.empty()) {
    ns = std::string(kSystemNamespace);
  } else if (!input.catalog_name.empty()) {
    return nullptr;
  } else {
    ns = input.schema_name.empty() ? state.current_namespace.str() : ToLower(input.schema_name);
  }
  if (ns == kSystemNamespace) {
    auto ref = MakeFunctionRef(kSystemScanFunction, table, table);
    MarkInternal(*ref);
    return ref;
  }
  const TableId id{NamespaceId(ns), TableName(table)};
  if (!state.engine.registry->FindTable(id)) {
    if (!state.engine.registry->NamespaceExists(id.namespace_id)) {
      throw duckdb::CatalogException("Namespace '" + ns + "' does not exist");
    }
    throw duckdb::CatalogException("Table '" + id.ToString() + "' does not exist");
  }
  return MakeFunctionRef(kScanFunction, id.ToString(), table);
}

// ---- scalar functions --------------------------------------------------------------------

void SnowflakeIdFunction(DataChunk& args, ExpressionState& expr_state, Vector& result) {
  QueryState& state = QueryState::Get(expr_state.GetContext());
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  auto* data = duckdb::FlatVector::GetData<int64_t>(result);
  for (idx_t i = 0; i < args.size(); ++i) data[i] = state.engine.seq.Next();
}

template <std::string (*Generate)()>
void TextIdFunction(DataChunk& args, ExpressionState&, Vector& result) {
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  auto* data = duckdb::FlatVector::GetData<duckdb::string_t>(result);
  for (idx_t i = 0; i < args.size(); ++i) data[i] = duckdb::StringVector::AddString(result, Generate());
}

void CurrentUserFunction(DataChunk& args, ExpressionState& expr_state, Vector& result) {
  result.Reference(duckdb::Value(QueryState::Get(expr_state.GetContext()).acting_user.str()));
}

void CurrentRoleFunction(DataChunk& args, ExpressionState& expr_state, Vector& result) {
  result.Reference(duckdb::Value(std::string(RoleName(QueryState::Get(expr_state.GetContext()).acting_role))));
}

void AddScalar(ClientContext& context, duckdb::Catalog& catalog, const std::string& name, const LogicalType& type,
               duckdb::scalar_function_t fn) {
  duckdb::ScalarFunction f(name, {}, type, fn);
  f.stability = duckdb::FunctionStability::VOLATILE;
  duckdb::CreateScalarFunctionInfo info(f);
  // Not internal, and in the database's own catalog: this shadows DuckDB's `current_user`
  // macro (which answers "duckdb") for every query.
  info.internal = false;
  info.on_conflict = duckdb::OnCreateConflict::REPLACE_ON_CONFLICT;
  catalog.CreateFunction(context, info);
}

}  // namespace

void MarkInternal(duckdb::TableRef& ref) { ref.external_dependency = InternalMark(); }

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
    add_table_function(duckdb::TableFunction(kSystemScanFunction, {LogicalType::VARCHAR}, RunSystemScan,
                                             BindSystemScan, InitSystemScan));
    CloseRefusedFunctions(context);
    // Here rather than in ConfigureDuckDB: DuckDB 1.4 does not copy optimizer extensions from
    // the DBConfig it starts with.
    duckdb::DBConfig::GetConfig(context).optimizer_extensions.push_back(PlanGuardExtension());

    auto& catalog = duckdb::Catalog::GetCatalog(context, "memory");
    duckdb::MetaTransaction::Get(context).ModifyDatabase(catalog.GetAttached());
    AddScalar(context, catalog, "snowflake_id", LogicalType::BIGINT, SnowflakeIdFunction);
    AddScalar(context, catalog, "uuid_v7", LogicalType::VARCHAR, TextIdFunction<NewUuidV7>);
    AddScalar(context, catalog, "ulid", LogicalType::VARCHAR, TextIdFunction<NewUlid>);
    AddScalar(context, catalog, "current_user", LogicalType::VARCHAR, CurrentUserFunction);
    AddScalar(context, catalog, "current_user_id", LogicalType::VARCHAR, CurrentUserFunction);
    AddScalar(context, catalog, "current_role", LogicalType::VARCHAR, CurrentRoleFunction);
    connection.Commit();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("registering DuckDB functions failed: ") + e.what());
  }
  return Status::Ok();
}

void ConfigureDuckDB(duckdb::DBConfig& config, const EngineConfig& engine_config) {
  config.replacement_scans.emplace_back(ReplaceTable);
  config.options.enable_external_access = false;
  config.options.autoload_known_extensions = false;
  config.options.autoinstall_known_extensions = false;
  // No SET, RESET or PRAGMA from anywhere changes DuckDB's settings once it runs (this one
  // included).
  config.options.lock_configuration = true;
  if (engine_config.query_threads > 0) config.options.maximum_threads = engine_config.query_threads;
  // limits.query_memory_limit_mb; operators that outgrow it spill under the data directory.
  config.options.maximum_memory = QueryMemoryLimit(engine_config);
  config.options.temporary_directory = QuerySpillDirectory(engine_config);
  // The one directory DuckDB may touch despite enable_external_access = false: without it a
  // spill fails with "file system operations are disabled". Client SQL still reaches no file
  // (no COPY, ATTACH or file-reading table function gets past the statement checks).
  config.options.allowed_directories.insert(config.options.temporary_directory + "/");
}

Result<system::RowSet> BuildSystemRowSet(EngineContext& engine, std::string_view name) {
  const system::SystemTables& st = *engine.system_tables;
  if (name == "users") {
    KALAM_ASSIGN_OR_RETURN(auto users, engine.users->List());
    return st.Users(users);
  }
  if (name == "namespaces") return st.Namespaces();
  if (name == "tables") return st.Tables();
  if (name == "columns") return st.ColumnsTable();
  if (name == "schemas") return st.Schemas();
  if (name == "storages") return st.Storages(engine.storages->List());
  if (name == "jobs") {
    // The job manager persists every state change, so the store is the source of truth.
    system::JobRepository jobs(*engine.backend);
    KALAM_ASSIGN_OR_RETURN(auto records, jobs.List());
    return st.Jobs(records);
  }
  if (name == "stats") {
    KALAM_ASSIGN_OR_RETURN(auto users, engine.users->List());
    size_t active = 0;
    for (const auto& u : users) active += !u.deleted();
    system::EngineStats stats;
    system::JobRepository jobs(*engine.backend);
    KALAM_ASSIGN_OR_RETURN(auto records, jobs.List());
    for (const JobRecord& job : records) {
      if (job.status == JobStatus::kQueued || job.status == JobStatus::kRetrying || job.status == JobStatus::kNew) {
        ++stats.jobs_queued;
      } else if (job.status == JobStatus::kRunning) {
        ++stats.jobs_running;
      }
    }
    stats.version = KALAMDB_VERSION;
    if (engine.live != nullptr) {
      stats.active_subscriptions = static_cast<int64_t>(engine.live->ActiveCount());
      stats.active_connections = static_cast<int64_t>(engine.live->ConnectionCount());
    }
    stats.uptime_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::steady_clock::now() - engine.started)
                               .count();
    return st.Stats(stats, active);
  }
  if (name == "live") {
    return engine.live != nullptr ? st.Live(engine.live->List()) : system::SystemTables::Empty(name);
  }
  return system::SystemTables::Empty(name);
}

}  // namespace kalam::core
