#include "kalam/core/engine.h"

#include <chrono>
#include <filesystem>

#include "ddl_executor.h"
#include "flush_executor.h"
#include "kalam/commons/clock.h"
#include "kalam/core/limit_errors.h"
#include "maintenance_jobs.h"
#include "dml_executor.h"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "duckdb_bridge.h"
#include "engine_context.h"
#include "exec_context.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/commons/sql_text.h"
#include "kalam/dialect/parser.h"
#include "kalam/dialect/simple_insert.h"
#include "kalam/dialect/statement_splitter.h"
#include "kalam/tables/type_mapping.h"
#include "query_memory.h"
#include "query_state.h"
#include "row_set_result.h"
#include "temporal_casts.h"
#include "tombstone_visibility.h"
#include "user_executor.h"
#include "version_reader.h"

namespace kalam::core {
namespace {

// DuckDB's read-ahead for streamed results (see CreateSession).
constexpr duckdb::idx_t kStreamingBufferBytes = 64 << 10;

// A statement that took this long or answered this much may have left much freed memory in
// the allocators' caches: ReleaseFreeMemory runs after it (it costs milliseconds, which a
// statement of this size does not notice).
constexpr auto kHeavyStatementTime = std::chrono::milliseconds(250);
constexpr uint64_t kHeavyAnswerBytes = 16ull << 20;

// A statement after validation, ready to run.
struct ParsedStatement {
  std::optional<dialect::KalamStatement> kalam;
  std::optional<dialect::SimpleInsertStmt> simple_insert;
  duckdb::unique_ptr<duckdb::SQLStatement> standard;
};

std::string_view StatementTypeName(duckdb::StatementType type) {
  switch (type) {
    case duckdb::StatementType::CREATE_STATEMENT: return "CREATE";
    case duckdb::StatementType::DROP_STATEMENT: return "DROP";
    case duckdb::StatementType::ALTER_STATEMENT: return "ALTER";
    case duckdb::StatementType::COPY_STATEMENT: return "COPY";
    case duckdb::StatementType::PRAGMA_STATEMENT: return "PRAGMA";
    case duckdb::StatementType::ATTACH_STATEMENT: return "ATTACH";
    case duckdb::StatementType::SET_STATEMENT: return "SET";
    default: return "statement";
  }
}

Status ParseStandard(std::string_view sql, duckdb::unique_ptr<duckdb::SQLStatement>* out) {
  try {
    duckdb::Parser parser;
    parser.ParseQuery(std::string(sql));
    if (parser.statements.size() != 1) return Status::InvalidArgument("Expected exactly one statement");
    *out = std::move(parser.statements[0]);
  } catch (const std::exception& e) {
    duckdb::ErrorData error(e);
    return Status::InvalidArgument(error.RawMessage());
  }
  // What the statement may reach inside DuckDB is decided when it binds (function_guard.h,
  // plan_guard.h); here only its kind.
  switch ((*out)->type) {
    case duckdb::StatementType::SELECT_STATEMENT:
    case duckdb::StatementType::INSERT_STATEMENT:
    case duckdb::StatementType::UPDATE_STATEMENT:
    case duckdb::StatementType::DELETE_STATEMENT: return Status::Ok();
    case duckdb::StatementType::EXPLAIN_STATEMENT: {
      // PROTOCOL.md §5.13: EXPLAIN [ANALYZE] of a SELECT only; ANALYZE runs what it explains.
      const auto& inner = *(*out)->Cast<duckdb::ExplainStatement>().stmt;
      if (inner.type == duckdb::StatementType::SELECT_STATEMENT) return Status::Ok();
      return Status::InvalidArgument("Unsupported statement type: EXPLAIN " +
                                     duckdb::StatementTypeToString(inner.type) + " (EXPLAIN takes a SELECT)");
    }
    default:
      return Status::InvalidArgument("Unsupported statement type: " + std::string(StatementTypeName((*out)->type)));
  }
}

Status ParseOne(std::string_view sql, const UserId& actor, Role role, ParsedStatement* out, bool nested = false) {
  // Again here, for callers that did not come through the API's request parser.
  KALAM_RETURN_IF_ERROR(CheckSqlText(sql));
  if (dialect::ClassifyStatement(sql) == dialect::StatementClass::kStandard) {
    out->simple_insert = dialect::ParseSimpleInsert(sql);
    if (out->simple_insert) return Status::Ok();
    KALAM_RETURN_IF_ERROR(ParseStandard(sql, &out->standard));
    if (out->standard->type == duckdb::StatementType::EXPLAIN_STATEMENT) {
      KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(role, "run EXPLAIN"));
    }
    return Status::Ok();
  }
  KALAM_ASSIGN_OR_RETURN(dialect::KalamStatement statement, dialect::ParseKalamStatement(sql));
  if (const auto* as = std::get_if<dialect::ExecuteAsStmt>(&statement)) {
    if (nested) return Status::InvalidArgument("EXECUTE AS USER cannot be nested");
    if (role == Role::kUser) {
      return Status::PermissionDenied("Access denied: Role 'user' cannot use EXECUTE AS USER");
    }
    ParsedStatement inner;
    KALAM_RETURN_IF_ERROR(ParseOne(as->inner_sql, as->user, role, &inner, /*nested=*/true));
  } else {
    KALAM_RETURN_IF_ERROR(DdlExecutor::Precheck(role, statement));
    KALAM_RETURN_IF_ERROR(UserExecutor::Precheck(actor, role, statement));
  }
  out->kalam = std::move(statement);
  return Status::Ok();
}

// The built-in `local` storage (PROTOCOL.md §5.9, §8): its base and templates always come from
// the configuration, which is where an operator moves the data directory or changes the layout.
StorageDefinition BuiltInStorage(const EngineConfig& config) {
  StorageDefinition def;
  def.id = StorageId(std::string(registry::kLocalStorageId));
  def.name = "Local storage";
  def.description = "Built-in filesystem storage under the data directory";
  def.type = StorageType::kFilesystem;
  def.base_directory = config.storage_base;
  def.shared_tables_template = config.shared_tables_template;
  def.user_tables_template = config.user_tables_template;
  return def;
}

size_t CountParameters(const duckdb::SQLStatement& statement) { return statement.named_param_map.size(); }

// A conversion failure that names one of the request's parameter values is that parameter's
// fault: PROTOCOL.md §3.2 answers it as INVALID_PARAMETER "Parameter $N invalid: ...".
Status AttributeToParameter(const Status& status, const std::vector<duckdb::Value>& params) {
  if (params.empty() || status.code() != StatusCode::kConstraintViolation) return status;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].IsNull()) continue;
    const std::string text = params[i].ToString();
    if (!text.empty() && status.message().find("'" + text + "'") != std::string::npos) {
      return Status::InvalidArgument("Parameter $" + std::to_string(i + 1) + " invalid: " + status.message());
    }
  }
  return status;
}

// Flags of PROTOCOL.md §3.3 for result columns that are plain columns of the single table
// the query read.
void AssignFlags(std::vector<ResultColumn>& columns, QueryState& state) {
  std::shared_ptr<const TableDefinition> only;
  {
    std::lock_guard lock(state.mu);
    for (const auto& def : state.bound_tables) {
      if (only && only->id != def->id) return;
      only = def;
    }
  }
  if (!only) return;
  for (ResultColumn& rc : columns) {
    if (rc.name == kSeqColumn || rc.name == kDeletedColumn) {
      if (rc.type.kind == (rc.name == kSeqColumn ? TypeKind::kBigInt : TypeKind::kBoolean)) rc.flags = {"nn"};
      continue;
    }
    auto idx = only->FindColumn(rc.name);
    if (!idx) continue;
    const ColumnDefinition& c = only->columns[*idx];
    if (!(c.type == rc.type) && !(c.type.kind == TypeKind::kJson && rc.type.kind == TypeKind::kJson)) continue;
    if (c.primary_key) {
      rc.flags = {"pk", "nn", "uq"};
    } else if (!c.nullable) {
      rc.flags = {"nn"};
    }
  }
}

}  // namespace

// ---- QueryState and Session --------------------------------------------------------------

QueryState& QueryState::Get(duckdb::ClientContext& context) {
  auto state = context.registered_state->Get<QueryState>(kKey);
  // Not an InternalException: DuckDB treats those as fatal and invalidates the database.
  if (!state) throw duckdb::PermissionException("KalamDB functions need a KalamDB session");
  return *state;
}

void QueryState::BeginStatement() {
  std::lock_guard lock(mu);
  bound_tables.clear();
  bind_error = Status::Ok();
  include_tombstones = false;
  snapshot.reset();
}

std::shared_ptr<const store::Snapshot> QueryState::StatementSnapshot() {
  std::lock_guard lock(mu);
  if (!snapshot) snapshot = engine.backend->GetSnapshot();
  return snapshot;
}

void QueryState::RecordBound(std::shared_ptr<const TableDefinition> def) {
  std::lock_guard lock(mu);
  bound_tables.push_back(std::move(def));
}

void QueryState::RecordBindError(const Status& status) {
  std::lock_guard lock(mu);
  if (bind_error.ok()) bind_error = status;
}

Session::Session(UserId user, Role role, std::unique_ptr<duckdb::Connection> connection, QueryState* state)
    : user_id_(std::move(user)), role_(role), connection_(std::move(connection)), state_(std::move(state)) {}

Session::~Session() = default;

void Session::Interrupt() {
  interrupted_.store(true);
  // Safe from another thread: the running query unwinds with an INTERRUPT error.
  connection_->Interrupt();
}

// ---- error translation -------------------------------------------------------------------

namespace {

Status StatusFromError(const duckdb::ErrorData& error, const EngineConfig& config) {
  const std::string message = error.RawMessage();
  switch (error.Type()) {
    case duckdb::ExceptionType::PARSER: return Status::InvalidArgument(message);
    case duckdb::ExceptionType::PERMISSION: return Status::PermissionDenied(message);
    case duckdb::ExceptionType::CATALOG: return Status::NotFound(message);
    case duckdb::ExceptionType::BINDER: return Status::InvalidOperation(message);
    case duckdb::ExceptionType::CONVERSION:
    case duckdb::ExceptionType::CONSTRAINT: return Status::ConstraintViolation(message);
    case duckdb::ExceptionType::INTERRUPT: return StatementTimedOut(config.statement_timeout_ms);
    case duckdb::ExceptionType::OUT_OF_MEMORY: return QueryOutOfMemory(QueryMemoryLimit(config), message);
    case duckdb::ExceptionType::INTERNAL:
    case duckdb::ExceptionType::FATAL: return Status::Internal(message);
    default: return Status::InvalidOperation(message);
  }
}

// Runs `fn`, answering an exception that DuckDB (or one of our callbacks) lets out as a
// Status, so none reaches a server, live-query or job thread.
template <typename Fn>
auto Contained(const EngineConfig& config, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StatusFromError(duckdb::ErrorData(e), config);
  }
}

}  // namespace

Status StatusFromDuckDB(const duckdb::ErrorData& error, QueryState& state) {
  {
    std::lock_guard lock(state.mu);
    if (!state.bind_error.ok()) return state.bind_error;
  }
  return StatusFromError(error, state.engine.config);
}

Result<std::unique_ptr<duckdb::QueryResult>> RunDuckDBStatement(ExecContext& ctx,
                                                                duckdb::unique_ptr<duckdb::SQLStatement> statement) {
  const size_t expected = CountParameters(*statement);
  if (expected != ctx.params.size()) {
    const size_t n = std::min(expected, ctx.params.size()) + 1;
    return Status::InvalidArgument("Parameter $" + std::to_string(n) + " invalid: " +
                                   (expected > ctx.params.size() ? "no value given" : "not used by the statement"));
  }
  duckdb::vector<duckdb::Value> values(ctx.params.begin(), ctx.params.end());
  std::unique_ptr<duckdb::QueryResult> result;
  ctx.state.plan_checked = false;
  try {
    auto pending = ctx.connection.PendingQuery(std::move(statement), values, /*allow_stream_result=*/true);
    if (pending->HasError()) return StatusFromDuckDB(pending->GetErrorObject(), ctx.state);
    // Fail closed: a plan the guard never saw (DuckDB skipped its optimizer) does not run.
    if (!ctx.state.plan_checked) return Status::PermissionDenied("Access denied: the statement's plan was not checked");
    result = pending->Execute();
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), ctx.state);
  }
  if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  return result;
}

// ---- Engine ------------------------------------------------------------------------------

Engine::Engine(std::unique_ptr<EngineContext> ctx) : ctx_(std::move(ctx)) {}

Engine::~Engine() {
  // DuckDB first: its callbacks reference the store.
  if (ctx_) ctx_->duckdb.reset();
}

const EngineConfig& Engine::config() const { return ctx_->config; }

auth::AuthService& Engine::auth() { return *ctx_->auth; }

void Engine::SetJobSubmitter(JobSubmitter* jobs) { ctx_->jobs = jobs; }

void Engine::SetLiveQueries(LiveQueryDirectory* live, tables::ChangeSink* sink) {
  ctx_->live = live;
  ctx_->table_store->SetChangeSink(sink);
}

Result<std::shared_ptr<const TableDefinition>> Engine::FindReadableTable(const TableId& id, Role role) {
  auto def = ctx_->registry->FindTable(id);
  if (!def) {
    if (!ctx_->registry->NamespaceExists(id.namespace_id)) {
      return Status::NotFound("Namespace '" + id.namespace_id.str() + "' does not exist");
    }
    return Status::NotFound("Table '" + id.ToString() + "' does not exist");
  }
  if (def->type == TableType::kShared) {
    KALAM_RETURN_IF_ERROR(auth::CheckSharedRead(role, def->options.access_level, id.ToString()));
  }
  return def;
}

void Engine::AtCommitPoint(const std::function<void(SeqId, std::shared_ptr<const store::Snapshot>)>& fn) {
  ctx_->table_store->AtCommitPoint([&](SeqId last) { fn(last, ctx_->backend->GetSnapshot()); });
}

Result<std::vector<VersionedRow>> Engine::ReadVersionsAsOf(const std::shared_ptr<const TableDefinition>& def,
                                                           const std::string& scope,
                                                           const std::shared_ptr<const store::Snapshot>& snapshot,
                                                           SeqId as_of, SeqId after) {
  return Contained(ctx_->config, [&] { return core::ReadVersionsAsOf(*ctx_, def, scope, snapshot, as_of, after); });
}

Result<std::vector<VersionedRow>> Engine::ReadSystemTable(std::string_view name) {
  if (name == "live_queries") name = "live";
  if (!system::SystemTables::Exists(name)) return Status::NotFound("Table 'system." + std::string(name) + "' does not exist");
  return Contained(ctx_->config, [&]() -> Result<std::vector<VersionedRow>> {
    KALAM_ASSIGN_OR_RETURN(system::RowSet rows, BuildSystemRowSet(*ctx_, name));
    std::vector<VersionedRow> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
      VersionedRow version;
      version.values.reserve(row.size());
      for (size_t c = 0; c < row.size(); ++c) version.values.push_back(CellToValue(row[c], rows.columns[c].type));
      out.push_back(std::move(version));
    }
    return out;
  });
}

store::StorageBackend& Engine::backend() { return *ctx_->backend; }

Result<std::vector<TableId>> Engine::TablesDueForFlush(int64_t now_us) {
  std::vector<TableId> due;
  for (const auto& def : ctx_->registry->ListTables()) {
    KALAM_ASSIGN_OR_RETURN(bool flush, ctx_->cold->DueForFlush(*def, now_us));
    if (flush) due.push_back(def->id);
  }
  return due;
}

Result<std::string> Engine::RunFlushJob(const std::string& parameters_json) {
  return Contained(ctx_->config, [&] { return FlushExecutor::RunFlushJob(*ctx_, parameters_json); });
}

Result<std::string> Engine::RunCleanupJob(const std::string& parameters_json) {
  return Contained(ctx_->config, [&] { return MaintenanceJobs::RunCleanup(*ctx_, parameters_json); });
}

Result<std::string> Engine::RunRetentionJob(const std::string& parameters_json, int64_t now_us) {
  return Contained(ctx_->config,
      [&] { return MaintenanceJobs::RunRetention(*ctx_, parameters_json, now_us ? now_us : NowMicros()); });
}

Result<std::vector<TableId>> Engine::TablesDueForRetention(int64_t now_us) {
  return MaintenanceJobs::TablesDueForRetention(*ctx_, now_us);
}

Result<std::string> Engine::RunUserCleanupJob(const std::string& parameters_json, int64_t now_us) {
  return Contained(ctx_->config,
      [&] { return MaintenanceJobs::RunUserCleanup(*ctx_, parameters_json, now_us ? now_us : NowMicros()); });
}

Result<std::vector<UserId>> Engine::UsersDueForCleanup(int64_t now_us) {
  return MaintenanceJobs::UsersDueForCleanup(*ctx_, now_us);
}

void Engine::SetUserDeletionGracePeriodDays(int64_t days) { ctx_->user_deletion_grace_days = days; }

Result<std::unique_ptr<Engine>> Engine::Open(const EngineConfig& config, const auth::AuthSettings& auth_settings) {
  auto ctx = std::make_unique<EngineContext>();
  ctx->config = config;
  if (ctx->config.storage_base.empty()) {
    ctx->config.storage_base = (std::filesystem::path(config.data_path) / "storage").string();
  }
  store::StoreOptions store_options;
  store_options.sync_writes = config.sync_writes;
  const std::string rocks_path = (std::filesystem::path(config.data_path) / "rocksdb").string();
  KALAM_ASSIGN_OR_RETURN(ctx->backend, store::StorageBackend::Open(rocks_path, store_options));
  KALAM_ASSIGN_OR_RETURN(ctx->registry, registry::SchemaRegistry::Open(*ctx->backend));
  KALAM_ASSIGN_OR_RETURN(ctx->storages, registry::StorageRegistry::Open(*ctx->backend));
  KALAM_RETURN_IF_ERROR(ctx->storages->EnsureBuiltIn(BuiltInStorage(ctx->config)));
  ctx->users = std::make_unique<auth::UserRepository>(*ctx->backend);
  KALAM_RETURN_IF_ERROR(ctx->users->EnsureRoot());
  ctx->auth = std::make_unique<auth::AuthService>(*ctx->users, auth_settings);
  KALAM_ASSIGN_OR_RETURN(ctx->table_store, tables::TableStore::Open(*ctx->backend, ctx->seq));
  ctx->system_tables = std::make_unique<system::SystemTables>(*ctx->registry);
  ctx->watchdog = std::make_unique<StatementWatchdog>(std::chrono::milliseconds(config.statement_timeout_ms));
  try {
    ctx->cold = std::make_unique<tables::ColdTier>(*ctx->backend, *ctx->table_store, ctx->seq, *ctx->storages);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("starting the cold tier failed: ") + e.what());
  }
  try {
    duckdb::DBConfig db_config;
    ConfigureDuckDB(db_config, config);
    ctx->duckdb = std::make_unique<duckdb::DuckDB>(nullptr, &db_config);
    RegisterTemporalCasts(*ctx->duckdb);
    duckdb::Connection setup(*ctx->duckdb);
    KALAM_RETURN_IF_ERROR(RegisterFunctions(setup));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("starting DuckDB failed: ") + e.what());
  }
  return std::unique_ptr<Engine>(new Engine(std::move(ctx)));
}

std::unique_ptr<Session> Engine::CreateSession(const UserId& user, Role role) {
  auto connection = std::make_unique<duckdb::Connection>(*ctx_->duckdb);
  // DuckDB runs a streamed query ahead of its reader until this many bytes are buffered, but
  // counts only the fixed-size part of each row: with 20 KB strings its 1 MB default let a
  // SELECT produce 1.2 GB before RunSelect saw its first chunk (and could apply
  // limits.max_answer_bytes). A couple of chunks ahead is enough to keep the reader fed.
  connection->context->config.streaming_buffer_size = kStreamingBufferBytes;
  auto state = duckdb::make_shared_ptr<QueryState>(*ctx_);
  state->acting_user = user;
  state->acting_role = role;
  QueryState* raw = state.get();
  connection->context->registered_state->Insert(QueryState::kKey, std::move(state));
  return std::unique_ptr<Session>(new Session(user, role, std::move(connection), raw));
}

namespace {

// Runs one validated statement as `acting_user` / `acting_role`.
Result<StatementResult> RunParsed(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                  QueryState& state, ParsedStatement& parsed, const UserId& acting_user,
                                  Role acting_role, const std::vector<duckdb::Value>& params,
                                  uint64_t answer_budget);

Result<StatementResult> RunSelect(EngineContext& engine, ExecContext& ctx,
                                  duckdb::unique_ptr<duckdb::SQLStatement> statement) {
  KALAM_ASSIGN_OR_RETURN(auto result, RunDuckDBStatement(ctx, std::move(statement)));
  StatementResult out;
  out.has_rows = true;
  out.as_user = ctx.acting_user;
  for (size_t i = 0; i < result->ColumnCount(); ++i) {
    out.columns.push_back(ResultColumn{result->names[i], tables::FromLogicalType(result->types[i]), {}});
  }
  out.rows = std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), result->types);
  const uint64_t limit = engine.config.max_result_rows;
  try {
    while (auto chunk = result->Fetch()) {
      if (chunk->size() == 0) break;
      if (out.row_count + chunk->size() > limit) {
        chunk->SetCardinality(limit - out.row_count);
        out.truncated = true;
      }
      out.row_count += chunk->size();
      out.rows->Append(*chunk);
      // limits.max_answer_bytes, checked as rows arrive: the collected bytes (string data
      // included) are a lower bound of what the answer encodes to, so a too large answer
      // stops here, at most one chunk past the limit, and is never built whole.
      if (out.rows->SizeInBytes() > ctx.answer_budget) return AnswerTooLarge(engine.config.max_answer_bytes);
      if (out.truncated) break;
    }
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), ctx.state);
  }
  if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  AssignFlags(out.columns, ctx.state);
  return out;
}

Result<StatementResult> RunExecuteAs(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                     QueryState& state, const dialect::ExecuteAsStmt& as, Role actor_role,
                                     const std::vector<duckdb::Value>& params, uint64_t answer_budget) {
  KALAM_ASSIGN_OR_RETURN(auto target, engine.users->Get(as.user));
  if (!target || target->deleted()) return Status::NotFound("User '" + as.user.str() + "' not found");
  KALAM_RETURN_IF_ERROR(auth::CheckExecuteAs(actor_role, target->role));
  ParsedStatement inner;
  KALAM_RETURN_IF_ERROR(ParseOne(as.inner_sql, target->id, target->role, &inner, /*nested=*/true));
  // Acting as someone is for their data, never their account: otherwise "change your own
  // password" would let a service account take over any user it may act as.
  if (inner.kalam && (std::holds_alternative<dialect::CreateUserStmt>(*inner.kalam) ||
                      std::holds_alternative<dialect::AlterUserStmt>(*inner.kalam) ||
                      std::holds_alternative<dialect::DropUserStmt>(*inner.kalam))) {
    return Status::PermissionDenied("Access denied: EXECUTE AS USER cannot run user statements");
  }
  return RunParsed(engine, session, connection, state, inner, target->id, target->role, params, answer_budget);
}

Result<StatementResult> RunParsed(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                  QueryState& state, ParsedStatement& parsed, const UserId& acting_user,
                                  Role acting_role, const std::vector<duckdb::Value>& params,
                                  uint64_t answer_budget) {
  state.BeginStatement();
  state.acting_user = acting_user;
  state.acting_role = acting_role;
  state.impersonating = acting_user != session.user_id();
  state.current_namespace = session.current_namespace();
  ExecContext ctx{session, acting_user, acting_role, connection, state, params};
  // limits.statement_timeout_secs: the watchdog interrupts DuckDB work running past it; the
  // write phase checks ctx.deadline itself.
  auto watch = engine.watchdog->Watch(*connection.context);
  ctx.deadline = watch.deadline();
  ctx.answer_budget = answer_budget;
  if (parsed.kalam) {
    if (const auto* as = std::get_if<dialect::ExecuteAsStmt>(&*parsed.kalam)) {
      auto result = RunExecuteAs(engine, session, connection, state, *as, acting_role, params, answer_budget);
      state.acting_user = session.user_id();
      state.acting_role = session.role();
      state.impersonating = false;
      return result;
    }
    if (!params.empty()) return Status::InvalidArgument("Parameter $1 invalid: the statement takes no parameters");
    DdlExecutor ddl(engine);
    return ddl.Run(ctx, *parsed.kalam);
  }
  DmlExecutor dml(engine);
  if (parsed.simple_insert) return dml.InsertSimple(ctx, *parsed.simple_insert);
  auto& statement = parsed.standard;
  switch (statement->type) {
    case duckdb::StatementType::INSERT_STATEMENT:
      return dml.Insert(ctx, statement->Cast<duckdb::InsertStatement>());
    case duckdb::StatementType::UPDATE_STATEMENT:
      return dml.Update(ctx, statement->Cast<duckdb::UpdateStatement>());
    case duckdb::StatementType::DELETE_STATEMENT:
      return dml.Delete(ctx, statement->Cast<duckdb::DeleteStatement>());
    default:
      state.include_tombstones = WhereMentionsDeleted(*statement);
      return RunSelect(engine, ctx, statement->Copy());
  }
}

// RunParsed that answers every failure as a Status: an exception that DuckDB or one of our
// callbacks lets out of a statement never reaches the server's threads.
Result<StatementResult> RunContained(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                     QueryState& state, ParsedStatement& parsed,
                                     const std::vector<duckdb::Value>& params, uint64_t answer_budget) {
  try {
    return RunParsed(engine, session, connection, state, parsed, session.user_id(), session.role(), params,
                     answer_budget);
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), state);
  }
}

}  // namespace

void Engine::ReleaseFreeMemory() { core::ReleaseFreeMemory(); }

Result<StatementResult> Engine::ExecuteStatement(Session& session, std::string_view sql,
                                                 const std::vector<duckdb::Value>& params) {
  ParsedStatement parsed;
  KALAM_RETURN_IF_ERROR(ParseOne(sql, session.user_id(), session.role(), &parsed));
  return RunContained(*ctx_, session, *session.connection_, *session.state_, parsed, params,
                      ctx_->config.max_answer_bytes);
}

ExecutionOutcome Engine::Execute(Session& session, std::string_view sql, const std::vector<duckdb::Value>& params) {
  ExecutionOutcome outcome;
  auto split = dialect::SplitStatements(sql);
  if (!split.ok()) {
    outcome.error_kind = RequestErrorKind::kBatchParse;
    outcome.error = split.status();
    return outcome;
  }
  if (split->empty()) {
    outcome.error_kind = RequestErrorKind::kEmptySql;
    outcome.error = Status::InvalidArgument("No SQL statement provided");
    return outcome;
  }
  if (!params.empty() && split->size() > 1) {
    outcome.error_kind = RequestErrorKind::kParamsWithBatch;
    outcome.error = Status::InvalidArgument("Parameters are not allowed with more than one statement");
    return outcome;
  }
  auto fail = [&](size_t index, const Status& status) {
    outcome.error_kind = RequestErrorKind::kStatement;
    outcome.failed_statement = index + 1;
    outcome.failed_sql = (*split)[index];
    outcome.error = Status(status.code(), "Statement " + std::to_string(index + 1) + " failed: " + status.message());
  };
  // Validate everything before anything runs.
  std::vector<ParsedStatement> parsed(split->size());
  for (size_t i = 0; i < split->size(); ++i) {
    Status s = ParseOne((*split)[i], session.user_id(), session.role(), &parsed[i]);
    if (!s.ok()) {
      fail(i, s);
      return outcome;
    }
  }
  // limits.max_answer_bytes covers the whole answer: each statement gets what the earlier
  // ones left.
  uint64_t answer_bytes = 0;
  // Gives the memory of a heavy request back on every way out (a refused or timed-out
  // statement may have used the most).
  struct ReleaseWhenHeavy {
    bool heavy = false;
    ~ReleaseWhenHeavy() {
      if (heavy) ReleaseFreeMemory();
    }
  } release;
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (session.interrupted()) {
      fail(i, Status::InvalidOperation("the client went away"));
      return outcome;
    }
    const uint64_t budget = ctx_->config.max_answer_bytes - std::min(answer_bytes, ctx_->config.max_answer_bytes);
    const auto started = std::chrono::steady_clock::now();
    auto result = RunContained(*ctx_, session, *session.connection_, *session.state_, parsed[i], params, budget);
    if (std::chrono::steady_clock::now() - started >= kHeavyStatementTime ||
        (result.ok() && result->rows && result->rows->SizeInBytes() >= kHeavyAnswerBytes)) {
      release.heavy = true;
    }
    if (!result.ok()) {
      Status failure = AttributeToParameter(result.status(), params);
      if (failure.message().rfind("Parameter $", 0) == 0) {
        outcome.error_kind = RequestErrorKind::kInvalidParameter;
        outcome.error = failure;
        return outcome;
      }
      if (result.status().message().rfind("Parameter $", 0) == 0) {
        outcome.error_kind = RequestErrorKind::kInvalidParameter;
        outcome.error = result.status();
        return outcome;
      }
      fail(i, result.status());
      return outcome;
    }
    if (result->rows) answer_bytes += result->rows->SizeInBytes();
    outcome.results.push_back(std::move(result).value());
  }
  return outcome;
}

}  // namespace kalam::core
