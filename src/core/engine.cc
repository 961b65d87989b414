#include "kalam/core/engine.h"

#include <chrono>
#include <filesystem>

#include "duckdb_bridge.h"
#include "duckdb_config.h"
#include "engine_context.h"
#include "engine_live_queries.h"
#include "engine_maintenance.h"
#include "kalam/commons/failpoint.h"
#include "kalam/dialect/statement_splitter.h"
#include "kalam/filestore/disk_usage.h"
#include "kalam/registry/storage_registry.h"
#include "query_memory.h"
#include "query_state.h"
#include "request_transaction.h"
#include "statement_parser.h"
#include "statement_runner.h"
#include "temporal_casts.h"

namespace kalam::core {
namespace {

// DuckDB's read-ahead for streamed results (see CreateSession).
constexpr duckdb::idx_t kStreamingBufferBytes = 64 << 10;

// A statement that took this long or answered this much may have left much freed memory in
// the allocators' caches: ReleaseFreeMemory runs after it (it costs milliseconds, which a
// statement of this size does not notice).
constexpr auto kHeavyStatementTime = std::chrono::milliseconds(250);
constexpr uint64_t kHeavyAnswerBytes = 16ull << 20;

// The built-in `local` storage (docs/sql-reference.md): its base and templates always come from
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

// A conversion failure that names one of the request's parameter values is that parameter's
// fault: docs/http-api.md answers it as INVALID_PARAMETER "Parameter $N invalid: ...".
std::optional<Status> AttributeToParameter(const Status& status, const std::vector<duckdb::Value>& params) {
  if (params.empty() || status.code() != StatusCode::kConstraintViolation) return std::nullopt;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].IsNull()) continue;
    const std::string text = params[i].ToString();
    if (!text.empty() && status.message().find("'" + text + "'") != std::string::npos) {
      return Status::InvalidArgument("Parameter $" + std::to_string(i + 1) + " invalid: " + status.message());
    }
  }
  return std::nullopt;
}

}  // namespace

Engine::Engine(std::unique_ptr<EngineContext> ctx)
    : ctx_(std::move(ctx)),
      maintenance_(std::make_unique<EngineMaintenance>(*ctx_)),
      live_queries_(std::make_unique<EngineLiveQueries>(*ctx_)) {}

Engine::~Engine() {
  // DuckDB first: its callbacks reference the store.
  if (ctx_) ctx_->duckdb.reset();
}

const EngineConfig& Engine::config() const { return ctx_->config; }

auth::AuthService& Engine::auth() { return *ctx_->auth; }

void Engine::SetJobSubmitter(JobSubmitter* jobs) { ctx_->jobs = jobs; }

store::StorageBackend& Engine::backend() { return *ctx_->backend; }

Maintenance& Engine::maintenance() { return *maintenance_; }

void Engine::RecordAudit(AuditEntry entry) { (void)ctx_->audit->Append(std::move(entry)); }

uint64_t Engine::ColdTierBytes() const {
  uint64_t total = 0;
  for (const StorageDefinition& storage : ctx_->storages->List()) {
    if (storage.type == StorageType::kFilesystem) total += filestore::LocalParquetBytes(storage.base_directory);
  }
  return total;
}

LiveQueryHooks& Engine::live_queries() { return *live_queries_; }

void Engine::ReleaseFreeMemory() { core::ReleaseFreeMemory(); }

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
  ctx->audit = std::make_unique<system::AuditLog>(*ctx->backend, config.audit_log_retention_days);
  KALAM_ASSIGN_OR_RETURN(ctx->registry, registry::SchemaRegistry::Open(*ctx->backend));
  KALAM_ASSIGN_OR_RETURN(ctx->storages, registry::StorageRegistry::Open(*ctx->backend));
  KALAM_RETURN_IF_ERROR(ctx->storages->EnsureBuiltIn(BuiltInStorage(ctx->config)));
  ctx->users = std::make_unique<auth::UserRepository>(*ctx->backend);
  KALAM_RETURN_IF_ERROR(ctx->users->EnsureRoot());
  ctx->auth = std::make_unique<auth::AuthService>(*ctx->users, auth_settings);
  KALAM_ASSIGN_OR_RETURN(ctx->table_store, tables::TableStore::Open(*ctx->backend, ctx->seq));
  ctx->streams =
      std::make_unique<tables::StreamBuffers>(*ctx->table_store, ctx->seq, ctx->config.stream_max_total_bytes);
  ctx->system_tables = std::make_unique<system::SystemTables>(*ctx->registry);
  ctx->watchdog = std::make_unique<StatementWatchdog>(std::chrono::milliseconds(config.statement_timeout_ms));
  try {
    ServerConfig::ObjectStore object_store = ctx->config.object_store;
    if (object_store.cache_dir.empty()) {
      object_store.cache_dir = (std::filesystem::path(config.data_path) / "object-cache").string();
    }
    ctx->cold = std::make_unique<tables::ColdTier>(*ctx->backend, *ctx->table_store, ctx->seq, *ctx->storages,
                                                   std::move(object_store), config.cold_read_cache_bytes);
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

Result<StatementResult> Engine::ExecuteStatement(Session& session, std::string_view sql,
                                                 const std::vector<duckdb::Value>& params) {
  ParsedStatement parsed;
  KALAM_RETURN_IF_ERROR(ParseOne(sql, session.user_id(), session.role(), &parsed));
  return RunStatement(*ctx_, session, *session.connection_, *session.state_, parsed, params,
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
    outcome.error = status.Prefixed("Statement " + std::to_string(index + 1) + " failed: ");
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
  // BEGIN ... COMMIT: what is still open on any way out of here is rolled back.
  RequestTransaction txn(*ctx_, *session.state_);
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (session.interrupted()) {
      fail(i, Status::InvalidOperation("the client went away"));
      return outcome;
    }
    if (Status held = CheckStepFailpoint(Failpoint::kSqlStatement, (*split)[i]); !held.ok()) {
      fail(i, txn.open() ? txn.RollBackAfter(held) : held);
      return outcome;
    }
    if (parsed[i].transaction) {
      auto control = txn.Run(*parsed[i].transaction, i, session.user_id());
      if (!control.ok()) {
        fail(i, txn.open() ? txn.RollBackAfter(control.status()) : control.status());
        return outcome;
      }
      outcome.results.push_back(std::move(control).value());
      continue;
    }
    if (txn.open()) {
      if (Status allowed = RequestTransaction::CheckAllowed(parsed[i]); !allowed.ok()) {
        fail(i, txn.RollBackAfter(allowed));
        return outcome;
      }
    }
    const uint64_t budget = ctx_->config.max_answer_bytes - std::min(answer_bytes, ctx_->config.max_answer_bytes);
    const auto started = std::chrono::steady_clock::now();
    auto result = RunStatement(*ctx_, session, *session.connection_, *session.state_, parsed[i], params, budget);
    if (std::chrono::steady_clock::now() - started >= kHeavyStatementTime ||
        (result.ok() && result->rows && result->rows->SizeInBytes() >= kHeavyAnswerBytes)) {
      release.heavy = true;
    }
    if (!result.ok()) {
      // A parameter's fault is the request's (INVALID_PARAMETER), not the statement's: the
      // statement blamed one itself (recorded in its state), or DuckDB's conversion failure
      // names one's value.
      std::optional<Status> parameter_error;
      if (session.state_->invalid_parameter) {
        parameter_error = result.status();
      } else {
        parameter_error = AttributeToParameter(result.status(), params);
      }
      if (parameter_error) {
        outcome.error_kind = RequestErrorKind::kInvalidParameter;
        outcome.error = txn.open() ? txn.RollBackAfter(*parameter_error) : *parameter_error;
        return outcome;
      }
      fail(i, txn.open() ? txn.RollBackAfter(result.status()) : result.status());
      return outcome;
    }
    if (Status size = txn.CheckSize(ctx_->config.max_write_rows); !size.ok()) {
      fail(i, txn.RollBackAfter(size));
      return outcome;
    }
    if (result->rows) answer_bytes += result->rows->SizeInBytes();
    outcome.results.push_back(std::move(result).value());
  }
  if (txn.open()) {
    fail(txn.begin_index(), txn.RollBackUncommitted());
    outcome.results.clear();
    return outcome;
  }
  return outcome;
}

}  // namespace kalam::core
