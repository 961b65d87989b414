#include "kalam/jobs/engine_executors.h"

#include <atomic>

namespace kalam::jobs {

void RegisterEngineExecutors(JobManager& jobs, core::Maintenance& maintenance) {
  core::Maintenance* target = &maintenance;
  for (JobType type : {JobType::kFlush, JobType::kCleanup, JobType::kRetention, JobType::kCompact,
                        JobType::kUserCleanup, JobType::kStreamEviction, JobType::kBackup, JobType::kRestore}) {
    jobs.RegisterExecutor(type, [target](const JobRecord& job, const std::atomic<bool>& cancelled) {
      return target->RunJob(job.type, job.parameters_json, 0, &cancelled);
    });
  }
}

}  // namespace kalam::jobs
