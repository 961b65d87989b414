#pragma once

#include <string>
#include <vector>

#include "engine_context.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/commons/result.h"
#include "kalam/core/job_parameters.h"

namespace kalam::core {

// Executors and scheduler questions of the background jobs that keep storage tidy
// (docs/sql-reference.md): `cleanup` (a dropped table's cold files), `retention` (old
// tombstones), `compact` (segments merged) and `user_cleanup` (users past their deletion
// grace period). Each executor
// returns the job's outcome for system.jobs, completed or skipped. All are idempotent:
// running one twice, or again after a crash, is harmless.
class MaintenanceJobs {
 public:
  // Parameters: CleanupTarget::ToJson(). Deletes the dropped table's directory through its
  // storage; a directory already gone is success.
  static Result<JobOutcome> RunCleanup(EngineContext& engine, std::string_view parameters_json);

  // Purges, in every scope of the table, tombstones whose `_seq` time is older than the
  // table's DELETED_RETENTION_HOURS at `now_us`.
  static Result<JobOutcome> RunRetention(EngineContext& engine, const RetentionJobParams& params, int64_t now_us);
  // USER/SHARED tables that may hold tombstones older than their retention at `now_us`.
  static Result<std::vector<TableId>> TablesDueForRetention(EngineContext& engine, int64_t now_us);

  // Merges the segments of each scope of the table that has at least `params.min_segments`
  // of them (tables::Compaction), purging tombstones older than the table's
  // DELETED_RETENTION_HOURS at `now_us` first. Skipped when no scope has that many.
  static Result<JobOutcome> RunCompaction(EngineContext& engine, const CompactJobParams& params, int64_t now_us);
  // A job for each USER/SHARED table with a scope of more committed segments than
  // compaction_max_segments_per_scope, for the scopes over it (none when that is 0).
  static Result<std::vector<CompactJobParams>> CompactionsDue(EngineContext& engine);

  // Purges a soft-deleted user past the grace period: its rows and index entries in every
  // USER table, its cold directories, then its record.
  static Result<JobOutcome> RunUserCleanup(EngineContext& engine, const UserCleanupJobParams& params, int64_t now_us);
  // Soft-deleted users whose grace period is over at `now_us`.
  static Result<std::vector<UserId>> UsersDueForCleanup(EngineContext& engine, int64_t now_us);
};

}  // namespace kalam::core
