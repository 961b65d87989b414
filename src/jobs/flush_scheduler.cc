#include "kalam/jobs/flush_scheduler.h"

#include "kalam/core/job_parameters.h"

namespace kalam::jobs {

FlushScheduler::FlushScheduler(core::Maintenance& engine, JobSubmitter& jobs, std::chrono::milliseconds interval,
                               const Clock& clock)
    : engine_(engine),
      jobs_(jobs),
      interval_(interval),
      clock_(clock),
      // A failed check is retried at the next interval.
      periodic_(
          interval, [this] { (void)RunOnce(); }, clock) {}

FlushScheduler::~FlushScheduler() { Stop(); }

void FlushScheduler::Start() { periodic_.Start(); }

void FlushScheduler::Stop() { periodic_.Stop(); }

Result<size_t> FlushScheduler::RunOnce() {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.TablesDueForFlush(clock_.NowMicros()));
  size_t queued = 0;
  for (const TableId& table : due) {
    auto submitted =
        jobs_.Submit(JobType::kFlush, "flush:" + table.ToString(), core::FlushJobParams{table, std::nullopt}.ToJson());
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

}  // namespace kalam::jobs
