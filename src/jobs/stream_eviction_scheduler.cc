#include "kalam/jobs/stream_eviction_scheduler.h"

namespace kalam::jobs {

StreamEvictionScheduler::StreamEvictionScheduler(core::Maintenance& engine, JobSubmitter& jobs,
                                                 std::chrono::milliseconds interval, const Clock& clock)
    : engine_(engine),
      jobs_(jobs),
      // A failed submission is retried at the next interval.
      periodic_(
          interval, [this] { (void)RunOnce(); }, clock) {}

StreamEvictionScheduler::~StreamEvictionScheduler() { Stop(); }

void StreamEvictionScheduler::Start() { periodic_.Start(); }

void StreamEvictionScheduler::Stop() { periodic_.Stop(); }

Result<bool> StreamEvictionScheduler::RunOnce() {
  if (engine_.StreamRowsBuffered() == 0) return false;
  KALAM_ASSIGN_OR_RETURN(auto submitted, jobs_.Submit(JobType::kStreamEviction, "stream_eviction", "{}"));
  return !submitted.already_active;
}

}  // namespace kalam::jobs
