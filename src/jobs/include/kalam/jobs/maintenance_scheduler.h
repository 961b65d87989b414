#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kalam/commons/clock.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/core/maintenance.h"
#include "kalam/jobs/periodic_task.h"

namespace kalam::jobs {

// How often the server looks for maintenance work. Retention is expressed in hours and the
// user grace period in days, so checking hourly purges at most an hour late while keeping
// the checks (which visit every table's tombstones and manifests) rare.
inline constexpr std::chrono::hours kDefaultMaintenanceInterval{1};

// Every `interval`, queues
// - a `retention` job for each USER/SHARED table that may hold tombstones older than its
//   DELETED_RETENTION_HOURS, idempotency key "retention:<ns>.<table>";
// - a `compact` job for each USER/SHARED table with a scope of more segments than
//   compaction.max_segments_per_scope, for the scopes over it, idempotency key
//   "compact:<ns>.<table>" (shared with STORAGE COMPACT);
// - a `user_cleanup` job for each soft-deleted user past
//   user_management.deletion_grace_period_days, idempotency key "user_cleanup:<user_id>".
// The keys keep a table or user from being queued twice while a job for it is pending.
// `engine` (Engine::maintenance()) and `jobs` must outlive the scheduler. Thread-safe.
class MaintenanceScheduler {
 public:
  MaintenanceScheduler(core::Maintenance& engine, JobSubmitter& jobs, std::chrono::milliseconds interval,
                       const Clock& clock = ProcessClock());
  ~MaintenanceScheduler();

  void Start();
  void Stop();
  // One check, now: returns how many jobs were newly queued (every kind).
  Result<size_t> RunOnce();
  Result<size_t> QueueRetention(int64_t now_us);
  Result<size_t> QueueUserCleanup(int64_t now_us);
  Result<size_t> QueueCompaction();

 private:
  core::Maintenance& engine_;
  JobSubmitter& jobs_;
  const std::chrono::milliseconds interval_;
  const Clock& clock_;
  PeriodicTask periodic_;  // declared last: its thread uses the members above
};

}  // namespace kalam::jobs
