#pragma once

#include "engine_context.h"
#include "kalam/core/maintenance.h"

namespace kalam::core {

// The engine's Maintenance: decodes a job's parameters (job_parameters.h) and hands them to
// the executor of its type (FlushExecutor, MaintenanceJobs), with any exception contained.
// `engine` must outlive it.
class EngineMaintenance final : public Maintenance {
 public:
  explicit EngineMaintenance(EngineContext& engine) : engine_(engine) {}

  Result<std::vector<TableId>> TablesDueForFlush(int64_t now_us) override;
  Result<std::vector<TableId>> TablesDueForRetention(int64_t now_us) override;
  Result<std::vector<UserId>> UsersDueForCleanup(int64_t now_us) override;
  uint64_t StreamRowsBuffered() override;
  Result<std::vector<CompactJobParams>> CompactionsDue() override;
  Result<JobOutcome> RunJob(JobType type, std::string_view parameters_json, int64_t now_us,
                            const std::atomic<bool>* cancel) override;
  void SetUserDeletionGracePeriodDays(int64_t days) override;

 private:
  EngineContext& engine_;
};

}  // namespace kalam::core
