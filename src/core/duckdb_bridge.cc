#include "duckdb_bridge.h"

#include "duckdb/catalog/catalog.hpp"
#include "duckdb/function/replacement_scan.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/external_dependencies.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/parser/expression/function_expression.hpp"
#include "duckdb/parser/parsed_data/create_scalar_function_info.hpp"
#include "duckdb/parser/parsed_data/create_table_function_info.hpp"
#include "duckdb/parser/tableref/table_function_ref.hpp"
#include "duckdb/transaction/meta_transaction.hpp"
#include "engine_context.h"
#include "function_guard.h"
#include "plan_guard.h"
#include "id_functions.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/system/job_repository.h"
#include "kalam/tables/type_mapping.h"
#include "query_memory.h"
#include "query_state.h"
#include "row_set_result.h"
#include "table_scan_function.h"

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

const duckdb::shared_ptr<duckdb::ExternalDependency>& InternalMark() {
  static const auto mark = duckdb::make_shared_ptr<duckdb::ExternalDependency>();
  return mark;
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

[[noreturn]] void ThrowDenied(QueryState& state, const Status& status) {
  state.RecordBindError(status);
  throw duckdb::PermissionException(status.message());
}

void RequireInternal(QueryState& state, const duckdb::TableFunctionBindInput& input) {
  if (input.ref.external_dependency != InternalMark()) {
    ThrowDenied(state, Status::PermissionDenied("Access denied: function '" + input.table_function.name +
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
    add_table_function(TableScanFunction(kScanFunction, /*for_write=*/false));
    add_table_function(TableScanFunction(kWriteScanFunction, /*for_write=*/true));
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
