#include "kalam/jobs/engine_executors.h"

#include <atomic>

namespace kalam::jobs {

void RegisterEngineExecutors(JobManager& jobs, core::Engine& engine) {
  core::Engine* target = &engine;
  jobs.RegisterExecutor(JobType::kFlush, [target](const JobRecord& job, const std::atomic<bool>&) {
    return target->RunFlushJob(job.parameters_json);
  });
  jobs.RegisterExecutor(JobType::kCleanup, [target](const JobRecord& job, const std::atomic<bool>&) {
    return target->RunCleanupJob(job.parameters_json);
  });
  jobs.RegisterExecutor(JobType::kRetention, [target](const JobRecord& job, const std::atomic<bool>&) {
    return target->RunRetentionJob(job.parameters_json);
  });
  jobs.RegisterExecutor(JobType::kUserCleanup, [target](const JobRecord& job, const std::atomic<bool>&) {
    return target->RunUserCleanupJob(job.parameters_json);
  });
}

}  // namespace kalam::jobs
