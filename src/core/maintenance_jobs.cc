#include "maintenance_jobs.h"

#include <chrono>
#include <shared_mutex>

#include "kalam/commons/clock.h"

namespace kalam::core {
namespace {

constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000 * 1000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// The user record's key in the meta partition (docs/key-encoding.md). UserRepository has no
// delete (soft deletes are its only removal); the purge is the one place a record goes for
// good, so it removes the key itself.
std::string UserRecordKey(const UserId& id) { return "usr/" + id.str(); }

SeqId RetentionCutoff(const TableDefinition& def, int64_t now_us) {
  return tables::SeqBeforeMillis((now_us - static_cast<int64_t>(def.options.deleted_retention_hours) * kMicrosPerHour) / 1000);
}

bool PastGracePeriod(const EngineContext& engine, const UserRecord& user, int64_t now_us) {
  return user.deleted() && now_us - user.deleted_at_us >= engine.user_deletion_grace_days * kMicrosPerDay;
}

}  // namespace

Result<JobOutcome> MaintenanceJobs::RunCleanup(EngineContext& engine, std::string_view parameters_json) {
  KALAM_ASSIGN_OR_RETURN(tables::CleanupTarget target, tables::CleanupTarget::FromJson(std::string(parameters_json)));
  // Like DROP TABLE itself: the storage cannot be dropped or re-templated meanwhile.
  std::shared_lock storage_lock(engine.storage_ddl_mu);
  return engine.cold->RunCleanup(target);
}

Result<JobOutcome> MaintenanceJobs::RunRetention(EngineContext& engine, const RetentionJobParams& params,
                                                 int64_t now_us) {
  const TableId& id = params.table;
  auto def = engine.registry->FindTable(id);
  if (!def) return JobOutcome::Skipped("table " + id.ToString() + " no longer exists");
  if (def->type == TableType::kStream) return JobOutcome::Skipped("STREAM tables keep no tombstones");
  const SeqId cutoff = RetentionCutoff(*def, now_us);
  KALAM_ASSIGN_OR_RETURN(auto scopes, engine.cold->AllScopes(*def));
  tables::RetentionOutcome total;
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(tables::RetentionOutcome one, engine.cold->PurgeTombstones(def, scope, cutoff));
    total.hot_purged += one.hot_purged;
    total.cold_purged += one.cold_purged;
    total.segments_rewritten += one.segments_rewritten;
  }
  return JobOutcome::Completed("Purged " + std::to_string(total.hot_purged + total.cold_purged) +
                               " tombstone(s) older than " + std::to_string(def->options.deleted_retention_hours) +
                               " hour(s) (" + std::to_string(total.hot_purged) + " hot, " +
                               std::to_string(total.cold_purged) + " cold; " +
                               std::to_string(total.segments_rewritten) + " segment(s) rewritten)");
}

Result<std::vector<TableId>> MaintenanceJobs::TablesDueForRetention(EngineContext& engine, int64_t now_us) {
  std::vector<TableId> due;
  for (const auto& def : engine.registry->ListTables()) {
    if (def->type == TableType::kStream) continue;
    KALAM_ASSIGN_OR_RETURN(bool maybe, engine.cold->MayHaveTombstonesBefore(*def, RetentionCutoff(*def, now_us)));
    if (maybe) due.push_back(def->id);
  }
  return due;
}

Result<JobOutcome> MaintenanceJobs::RunCompaction(EngineContext& engine, const CompactJobParams& params,
                                                  int64_t now_us) {
  const TableId& id = params.table;
  auto def = engine.registry->FindTable(id);
  if (!def) return JobOutcome::Skipped("table " + id.ToString() + " no longer exists");
  if (def->type == TableType::kStream) return JobOutcome::Skipped("STREAM tables have no segments");
  tables::CompactionOptions options;
  options.min_segments = params.min_segments;
  options.retention_cutoff = RetentionCutoff(*def, now_us);
  // No statement runs longer than its timeout, so no scan reads a replaced file for longer.
  options.reader_wait = std::chrono::milliseconds(engine.config.statement_timeout_ms) + std::chrono::seconds(1);
  KALAM_ASSIGN_OR_RETURN(tables::CompactionOutcome total, engine.cold->compaction().CompactTable(def, options));
  if (total.scopes == 0 && total.tombstones_purged == 0) {
    return JobOutcome::Skipped("no scope of table " + id.ToString() + " has " + std::to_string(options.min_segments) +
                               " or more segments");
  }
  std::string message = "Compacted " + std::to_string(total.segments_merged) + " segment(s) into " +
                        std::to_string(total.segments_written) + " in " + std::to_string(total.scopes) +
                        " scope(s); dropped " + std::to_string(total.versions_dropped) +
                        " superseded version(s), purged " + std::to_string(total.tombstones_purged) +
                        " old tombstone(s)";
  if (total.files_left > 0) {
    message += "; " + std::to_string(total.files_left) + " replaced file(s) still read by a scan are left for cleanup";
  }
  return JobOutcome::Completed(std::move(message));
}

Result<std::vector<CompactJobParams>> MaintenanceJobs::CompactionsDue(EngineContext& engine) {
  std::vector<CompactJobParams> due;
  const uint32_t limit = engine.config.compaction_max_segments_per_scope;
  if (limit == 0) return due;
  for (const auto& def : engine.registry->ListTables()) {
    if (def->type == TableType::kStream) continue;
    KALAM_ASSIGN_OR_RETURN(auto scopes, engine.cold->compaction().ScopesToCompact(*def, size_t{limit} + 1));
    if (!scopes.empty()) due.push_back(CompactJobParams{def->id, limit + 1});
  }
  return due;
}

Result<JobOutcome> MaintenanceJobs::RunUserCleanup(EngineContext& engine, const UserCleanupJobParams& params,
                                                   int64_t now_us) {
  const UserId& user_id = params.user;
  const std::string& user_text = user_id.str();
  KALAM_ASSIGN_OR_RETURN(auto user, engine.users->Get(user_id));
  if (!user) return JobOutcome::Skipped("user '" + user_text + "' no longer exists");
  if (!user->deleted()) return JobOutcome::Skipped("user '" + user_text + "' was reactivated");
  if (!PastGracePeriod(engine, *user, now_us)) {
    return JobOutcome::Skipped("user '" + user_text + "' is still within its deletion grace period");
  }
  size_t tables = 0;
  std::shared_lock storage_lock(engine.storage_ddl_mu);
  for (const auto& def : engine.registry->ListTables()) {
    if (def->type == TableType::kShared) continue;
    // One contiguous key range per (table, user) in `rows` and `index`.
    KALAM_RETURN_IF_ERROR(engine.table_store->DropScopeData(*def, user_text));
    if (def->type == TableType::kUser) KALAM_RETURN_IF_ERROR(engine.cold->DropScopeFiles(*def, user_text));
    ++tables;
  }
  engine.streams->DropScope(user_text);
  // CREATE USER may have reactivated the id while its data went: keep the record then (its
  // data written before the reactivation is gone, which the purge had been scheduled for).
  KALAM_ASSIGN_OR_RETURN(auto again, engine.users->Get(user_id));
  if (again && !again->deleted()) return JobOutcome::Skipped("user '" + user_text + "' was reactivated");
  if (again) KALAM_RETURN_IF_ERROR(engine.backend->Delete(store::Partition::kMeta, UserRecordKey(user_id)));
  return JobOutcome::Completed("Purged user '" + user_text + "' and its rows in " + std::to_string(tables) +
                               " table(s)");
}

Result<std::vector<UserId>> MaintenanceJobs::UsersDueForCleanup(EngineContext& engine, int64_t now_us) {
  KALAM_ASSIGN_OR_RETURN(auto users, engine.users->List());
  std::vector<UserId> due;
  for (const UserRecord& user : users) {
    if (PastGracePeriod(engine, user, now_us)) due.push_back(user.id);
  }
  return due;
}

}  // namespace kalam::core
