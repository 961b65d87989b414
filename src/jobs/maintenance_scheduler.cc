#include "kalam/jobs/maintenance_scheduler.h"

#include "kalam/commons/clock.h"

namespace kalam::jobs {

MaintenanceScheduler::MaintenanceScheduler(core::Engine& engine, JobSubmitter& jobs, std::chrono::milliseconds interval)
    : engine_(engine), jobs_(jobs), interval_(interval),
      // A failed check is retried at the next interval.
      periodic_(interval, [this] { (void)RunOnce(); }) {}

MaintenanceScheduler::~MaintenanceScheduler() { Stop(); }

void MaintenanceScheduler::Start() { periodic_.Start(); }

void MaintenanceScheduler::Stop() { periodic_.Stop(); }

Result<size_t> MaintenanceScheduler::RunOnce() {
  const int64_t now = NowMicros();
  // Each kind is checked even when the other failed; the first failure is reported.
  auto retention = QueueRetention(now);
  auto users = QueueUserCleanup(now);
  if (!retention.ok()) return retention.status();
  if (!users.ok()) return users.status();
  return *retention + *users;
}

Result<size_t> MaintenanceScheduler::QueueRetention(int64_t now_us) {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.TablesDueForRetention(now_us));
  size_t queued = 0;
  for (const TableId& table : due) {
    const std::string name = table.ToString();
    auto submitted = jobs_.Submit(JobType::kRetention, "retention:" + name, "{\"table_id\":\"" + name + "\"}");
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

Result<size_t> MaintenanceScheduler::QueueUserCleanup(int64_t now_us) {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.UsersDueForCleanup(now_us));
  size_t queued = 0;
  for (const UserId& user : due) {
    // User ids are [A-Za-z0-9_.@+-] (PROTOCOL.md §2.1): nothing to escape in JSON.
    auto submitted =
        jobs_.Submit(JobType::kUserCleanup, "user_cleanup:" + user.str(), "{\"user_id\":\"" + user.str() + "\"}");
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

}  // namespace kalam::jobs
