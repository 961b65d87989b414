#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/auth/auth_service.h"
#include "kalam/commons/engine_config.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/live_query_directory.h"
#include "kalam/commons/result.h"
#include "kalam/commons/role.h"
#include "kalam/core/session.h"
#include "kalam/core/statement_result.h"
#include "kalam/core/versioned_row.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/change_sink.h"

namespace kalam::core {

// Why a request failed before or while its statements ran (PROTOCOL.md §3.2).
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
  // Tables whose hot tier has reached its flush policy (the flush scheduler's question).
  Result<std::vector<TableId>> TablesDueForFlush(int64_t now_us);
  // Executor of `flush` jobs: parameters {"table_id":"ns.t"} (+ "user_id").
  Result<std::string> RunFlushJob(const std::string& parameters_json);
  // Executor of `cleanup` jobs (queued by DROP TABLE / DROP NAMESPACE): deletes a dropped
  // table's cold files. Idempotent.
  Result<std::string> RunCleanupJob(const std::string& parameters_json);
  // Executor of `retention` jobs: parameters {"table_id":"ns.t"}; purges tombstones older than
  // the table's DELETED_RETENTION_HOURS at `now_us` (0 = now).
  Result<std::string> RunRetentionJob(const std::string& parameters_json, int64_t now_us = 0);
  // Tables that may hold tombstones past their retention (the retention scheduler's question).
  Result<std::vector<TableId>> TablesDueForRetention(int64_t now_us);
  // Executor of `user_cleanup` jobs: parameters {"user_id":"alice"}; purges a soft-deleted
  // user past the grace period at `now_us` (0 = now). "Skipped…" when it was reactivated.
  Result<std::string> RunUserCleanupJob(const std::string& parameters_json, int64_t now_us = 0);
  // Soft-deleted users past the grace period (the user cleanup scheduler's question).
  Result<std::vector<UserId>> UsersDueForCleanup(int64_t now_us);
  // user_management.deletion_grace_period_days (default 30).
  void SetUserDeletionGracePeriodDays(int64_t days);
  // Authentication over this engine's users (HTTP and WebSocket entry points use it).
  auth::AuthService& auth();

  // ---- Live queries (the `live` module, which sits above the engine) ----
  // Committed row changes go to `sink`; system.live, KILL LIVE QUERY, DROP TABLE and DROP USER
  // go to `live`. Either may be null; both must outlive the engine or be detached first.
  void SetLiveQueries(LiveQueryDirectory* live, tables::ChangeSink* sink);
  // The USER, SHARED or STREAM table `id` if `role` may read it. NotFound names the missing
  // namespace or table; PermissionDenied for a SHARED table above the role's access.
  Result<std::shared_ptr<const TableDefinition>> FindReadableTable(const TableId& id, Role role);
  // Runs `fn` while no write can commit, with the highest `_seq` handed out so far (S) and a
  // snapshot of the hot tier taken at that point: every commit at or below S is in the
  // snapshot, every later one reaches the change sink after `fn` returns.
  void AtCommitPoint(const std::function<void(SeqId, std::shared_ptr<const store::Snapshot>)>& fn);
  // A scope's newest version per row identity as of the commit point of `snapshot`/`as_of`,
  // with `_seq` > `after`, tombstones included, ascending `_seq`; hot and cold tiers.
  Result<std::vector<VersionedRow>> ReadVersionsAsOf(const std::shared_ptr<const TableDefinition>& def,
                                                     const std::string& scope,
                                                     const std::shared_ptr<const store::Snapshot>& snapshot,
                                                     SeqId as_of, SeqId after);
  // The rows of system table `name` (lowercase, without "system."), one value per column of
  // SystemTables::Columns(name), `_seq` 0; the caller checks the role.
  Result<std::vector<VersionedRow>> ReadSystemTable(std::string_view name);

 private:
  explicit Engine(std::unique_ptr<EngineContext> ctx);
  std::unique_ptr<EngineContext> ctx_;
};

}  // namespace kalam::core
