#pragma once

#include <string>
#include <vector>

#include "engine_context.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"

namespace kalam::core {

// Executors and scheduler questions of the background jobs that keep storage tidy
// (PROTOCOL.md §7, §8, §2.1): `cleanup` (a dropped table's cold files), `retention` (old
// tombstones) and `user_cleanup` (users past their deletion grace period). Each executor
// returns the completion message for system.jobs; one starting with "Skipped" marks the job
// skipped. All are idempotent: running one twice, or again after a crash, is harmless.
class MaintenanceJobs {
 public:
  // Parameters: CleanupTarget::ToJson(). Deletes the dropped table's directory through its
  // storage; a directory already gone is success.
  static Result<std::string> RunCleanup(EngineContext& engine, const std::string& parameters_json);

  // Parameters {"table_id":"ns.t"}. Purges, in every scope of the table, tombstones whose
  // `_seq` time is older than the table's DELETED_RETENTION_HOURS at `now_us`.
  static Result<std::string> RunRetention(EngineContext& engine, const std::string& parameters_json, int64_t now_us);
  // USER/SHARED tables that may hold tombstones older than their retention at `now_us`.
  static Result<std::vector<TableId>> TablesDueForRetention(EngineContext& engine, int64_t now_us);

  // Parameters {"user_id":"alice"}. Purges a soft-deleted user past the grace period: its
  // rows and index entries in every USER table, its cold directories, then its record.
  static Result<std::string> RunUserCleanup(EngineContext& engine, const std::string& parameters_json, int64_t now_us);
  // Soft-deleted users whose grace period is over at `now_us`.
  static Result<std::vector<UserId>> UsersDueForCleanup(EngineContext& engine, int64_t now_us);
};

}  // namespace kalam::core
