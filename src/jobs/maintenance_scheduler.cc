#include "kalam/jobs/maintenance_scheduler.h"

#include "kalam/core/job_parameters.h"

namespace kalam::jobs {

MaintenanceScheduler::MaintenanceScheduler(core::Maintenance& engine, JobSubmitter& jobs,
                                           std::chrono::milliseconds interval, const Clock& clock)
    : engine_(engine),
      jobs_(jobs),
      interval_(interval),
      clock_(clock),
      // A failed check is retried at the next interval.
      periodic_(
          interval, [this] { (void)RunOnce(); }, clock) {}

MaintenanceScheduler::~MaintenanceScheduler() { Stop(); }

void MaintenanceScheduler::Start() { periodic_.Start(); }

void MaintenanceScheduler::Stop() { periodic_.Stop(); }

Result<size_t> MaintenanceScheduler::RunOnce() {
  const int64_t now = clock_.NowMicros();
  // Each kind is checked even when the other failed; the first failure is reported.
  auto retention = QueueRetention(now);
  auto compaction = QueueCompaction();
  auto users = QueueUserCleanup(now);
  if (!retention.ok()) return retention.status();
  if (!compaction.ok()) return compaction.status();
  if (!users.ok()) return users.status();
  return *retention + *compaction + *users;
}

Result<size_t> MaintenanceScheduler::QueueRetention(int64_t now_us) {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.TablesDueForRetention(now_us));
  size_t queued = 0;
  for (const TableId& table : due) {
    auto submitted =
        jobs_.Submit(JobType::kRetention, "retention:" + table.ToString(), core::RetentionJobParams{table}.ToJson());
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

Result<size_t> MaintenanceScheduler::QueueCompaction() {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.CompactionsDue());
  size_t queued = 0;
  for (const core::CompactJobParams& params : due) {
    auto submitted = jobs_.Submit(JobType::kCompact, "compact:" + params.table.ToString(), params.ToJson());
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

Result<size_t> MaintenanceScheduler::QueueUserCleanup(int64_t now_us) {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.UsersDueForCleanup(now_us));
  size_t queued = 0;
  for (const UserId& user : due) {
    auto submitted =
        jobs_.Submit(JobType::kUserCleanup, "user_cleanup:" + user.str(), core::UserCleanupJobParams{user}.ToJson());
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

}  // namespace kalam::jobs
