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

// Every `flush.check_interval_seconds`, queues a flush job for each USER/SHARED table whose
// hot tier reached its flush policy (docs/cold-tier.md). Jobs carry the idempotency key
// "flush:<ns>.<table>", so a table already being flushed is not queued twice. `engine`
// (Engine::maintenance()) and `jobs` must outlive the scheduler. Thread-safe.
class FlushScheduler {
 public:
  FlushScheduler(core::Maintenance& engine, JobSubmitter& jobs, std::chrono::milliseconds interval,
                 const Clock& clock = ProcessClock());
  ~FlushScheduler();

  void Start();
  void Stop();
  // One check, now: returns how many flush jobs were newly queued.
  Result<size_t> RunOnce();

 private:
  core::Maintenance& engine_;
  JobSubmitter& jobs_;
  const std::chrono::milliseconds interval_;
  const Clock& clock_;
  PeriodicTask periodic_;  // declared last: its thread uses the members above
};

}  // namespace kalam::jobs
