#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/auth/auth_service.h"
#include "kalam/commons/audit.h"
#include "kalam/commons/engine_config.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/result.h"
#include "kalam/commons/role.h"
#include "kalam/core/session.h"
#include "kalam/core/statement_result.h"
#include "kalam/core/live_query_hooks.h"
#include "kalam/core/maintenance.h"
#include "kalam/core/user_data_export.h"
#include "kalam/store/storage_backend.h"

namespace kalam::core {

// Why a request failed before or while its statements ran (docs/http-api.md).
enum class RequestErrorKind {
  kNone,
  kEmptySql,          // no statement in the text
  kBatchParse,        // unterminated quote or comment
  kParamsWithBatch,   // params given with more than one statement
  kInvalidParameter,  // missing, extra or unconvertible parameter
  kStatement,         // statement N failed; see `error`'s code for the class
};

// Everything a request produced: one result per statement that ran, and the first error.
struct ExecutionOutcome {
  std::vector<StatementResult> results;
  RequestErrorKind error_kind = RequestErrorKind::kNone;
  Status error;                 // message already prefixed "Statement N failed: " for kStatement
  size_t failed_statement = 0;  // 1-based, for kStatement
  std::string failed_sql;       // the failing statement's text, for kStatement
  bool ok() const { return error_kind == RequestErrorKind::kNone; }
};

struct EngineContext;

// The embedded KalamDB engine: catalog, hot tier, SQL through DuckDB, per-user isolation.
// It keeps sessions and runs their SQL; the job system and the live-query module reach it
// through the narrower interfaces maintenance() and live_queries().
// Thread-safe: any number of sessions may execute concurrently.
class Engine {
 public:
  // Opens (or creates) the data directory `config.data_path`.
  static Result<std::unique_ptr<Engine>> Open(const EngineConfig& config, const auth::AuthSettings& auth = {});
  ~Engine();

  // A session acting as `user` with `role`. Authentication is the caller's job.
  std::unique_ptr<Session> CreateSession(const UserId& user, Role role);

  // Runs every statement of `sql` in order; stops at the first failure (earlier statements
  // stay committed). `params` bind `$1..$n` and are allowed with a single statement only.
  ExecutionOutcome Execute(Session& session, std::string_view sql, const std::vector<duckdb::Value>& params = {});

  // Runs exactly one statement (no splitting).
  Result<StatementResult> ExecuteStatement(Session& session, std::string_view statement,
                                           const std::vector<duckdb::Value>& params = {});

  const EngineConfig& config() const;
  // Hands memory that freed allocations left cached (DuckDB's jemalloc, glibc's heap) back to
  // the system; costs milliseconds to a second. Execute calls it after heavy statements; the
  // api calls it once it has dropped a large answer (the rows outlive Execute).
  static void ReleaseFreeMemory();
  // Routes FLUSH statements to a job manager (which must outlive the engine or be detached
  // with nullptr first). Without one, flushes run inline.
  void SetJobSubmitter(JobSubmitter* jobs);
  // The storage under this engine (the job manager persists its records there too).
  store::StorageBackend& backend();
  // Authentication over this engine's users (HTTP and WebSocket entry points use it).
  auth::AuthService& auth();
  // Adds an entry to system.audit_log (the transport records logins this way; statements
  // record their own). A failure to store it is dropped: the log is a record, not a gate.
  void RecordAudit(AuditEntry entry);
  // Bytes of Parquet segments in the filesystem storages (walks their directories: a
  // monitoring figure, not for hot paths). Object-store storages are not counted.
  uint64_t ColdTierBytes() const;
  // Everything `user` owns in USER and STREAM tables, read as that user reads it (hot and cold,
  // current versions), for handing their data back (docs/user-data-export.md). NotFound when
  // the user does not exist or is deleted; ExportTooLarge past limits.max_export_bytes.
  Result<UserDataExport> ReadUserData(const UserId& user);
  // The background jobs' side of the engine (what is due, and the executors).
  Maintenance& maintenance();
  // The live-query module's side of the engine.
  LiveQueryHooks& live_queries();

 private:
  explicit Engine(std::unique_ptr<EngineContext> ctx);
  std::unique_ptr<EngineContext> ctx_;
  std::unique_ptr<Maintenance> maintenance_;
  std::unique_ptr<LiveQueryHooks> live_queries_;
};

}  // namespace kalam::core
