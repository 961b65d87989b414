#include "engine_maintenance.h"

#include "backup_job.h"
#include "duckdb_errors.h"
#include "flush_executor.h"
#include "kalam/commons/clock.h"
#include "maintenance_jobs.h"
#include "restore_job.h"

namespace kalam::core {

Result<std::vector<TableId>> EngineMaintenance::TablesDueForFlush(int64_t now_us) {
  std::vector<TableId> due;
  for (const auto& def : engine_.registry->ListTables()) {
    KALAM_ASSIGN_OR_RETURN(bool flush, engine_.cold->DueForFlush(*def, now_us));
    if (flush) due.push_back(def->id);
  }
  return due;
}

Result<std::vector<TableId>> EngineMaintenance::TablesDueForRetention(int64_t now_us) {
  return MaintenanceJobs::TablesDueForRetention(engine_, now_us);
}

Result<std::vector<UserId>> EngineMaintenance::UsersDueForCleanup(int64_t now_us) {
  return MaintenanceJobs::UsersDueForCleanup(engine_, now_us);
}

uint64_t EngineMaintenance::StreamRowsBuffered() { return engine_.streams->Totals().rows; }

Result<std::vector<CompactJobParams>> EngineMaintenance::CompactionsDue() {
  return MaintenanceJobs::CompactionsDue(engine_);
}

Result<JobOutcome> EngineMaintenance::RunJob(JobType type, std::string_view parameters_json, int64_t now_us,
                                             const std::atomic<bool>* cancel) {
  if (now_us == 0) now_us = NowMicros();
  return Contained(engine_.config, [&]() -> Result<JobOutcome> {
    switch (type) {
      case JobType::kFlush: {
        KALAM_ASSIGN_OR_RETURN(FlushJobParams params, FlushJobParams::FromJson(parameters_json));
        return FlushExecutor::RunFlushJob(engine_, params, cancel);
      }
      case JobType::kCleanup: return MaintenanceJobs::RunCleanup(engine_, parameters_json);
      case JobType::kRetention: {
        KALAM_ASSIGN_OR_RETURN(RetentionJobParams params, RetentionJobParams::FromJson(parameters_json));
        return MaintenanceJobs::RunRetention(engine_, params, now_us);
      }
      case JobType::kStreamEviction: {
        const tables::StreamBufferStats freed = engine_.streams->EvictExpired(now_us / 1000);
        return JobOutcome::Completed("Evicted " + std::to_string(freed.rows) + " expired row(s) (" +
                                     std::to_string(freed.bytes) + " bytes) and freed " +
                                     std::to_string(freed.buffers) + " empty buffer(s)");
      }
      case JobType::kCompact: {
        KALAM_ASSIGN_OR_RETURN(CompactJobParams params, CompactJobParams::FromJson(parameters_json));
        return MaintenanceJobs::RunCompaction(engine_, params, now_us);
      }
      case JobType::kUserCleanup: {
        KALAM_ASSIGN_OR_RETURN(UserCleanupJobParams params, UserCleanupJobParams::FromJson(parameters_json));
        return MaintenanceJobs::RunUserCleanup(engine_, params, now_us);
      }
      case JobType::kBackup: {
        KALAM_ASSIGN_OR_RETURN(BackupJobParams params, BackupJobParams::FromJson(parameters_json));
        return BackupJob::Run(engine_, params, cancel);
      }
      case JobType::kRestore: {
        KALAM_ASSIGN_OR_RETURN(BackupJobParams params, BackupJobParams::FromJson(parameters_json));
        return RestoreJob::Run(engine_, params, cancel);
      }
      default: return Status::Unsupported("Not supported yet: " + std::string(JobTypeName(type)) + " jobs");
    }
  });
}

void EngineMaintenance::SetUserDeletionGracePeriodDays(int64_t days) { engine_.user_deletion_grace_days = days; }

}  // namespace kalam::core
