#pragma once

#include <chrono>

#include "kalam/commons/clock.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/core/maintenance.h"
#include "kalam/jobs/periodic_task.h"

namespace kalam::jobs {

// Every `stream.eviction_interval_seconds`, queues a `stream_eviction` job (id `SE-…`) that
// reclaims the memory of STREAM rows past their TTL (reads hide them at once; the job frees
// them). Queued only while some STREAM buffer holds rows, so an idle server adds no jobs.
// Idempotency key "stream_eviction": at most one is pending at a time. `engine`
// (Engine::maintenance()) and `jobs` must outlive the scheduler. Thread-safe.
class StreamEvictionScheduler {
 public:
  StreamEvictionScheduler(core::Maintenance& engine, JobSubmitter& jobs, std::chrono::milliseconds interval,
                          const Clock& clock = ProcessClock());
  ~StreamEvictionScheduler();

  void Start();
  void Stop();
  // One check, now: returns whether a job was newly queued.
  Result<bool> RunOnce();

 private:
  core::Maintenance& engine_;
  JobSubmitter& jobs_;
  PeriodicTask periodic_;  // declared last: its thread uses the members above
};

}  // namespace kalam::jobs
