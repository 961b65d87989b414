#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/job.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/commons/result.h"
#include "kalam/core/job_parameters.h"

namespace kalam::core {

// The engine's side of the background jobs that keep storage tidy (docs/sql-reference.md): the
// schedulers' questions (what is due now) and the executors that do the work. The job system
// (src/jobs) holds one of these, never the whole engine. Every executor is idempotent (running
// a job twice, or again after a crash, is harmless) and answers every failure as a Status.
// Thread-safe; obtained from Engine::maintenance() and lives as long as the engine.
class Maintenance {
 public:
  virtual ~Maintenance() = default;

  // USER/SHARED tables whose hot tier has reached its flush policy at `now_us`.
  virtual Result<std::vector<TableId>> TablesDueForFlush(int64_t now_us) = 0;
  // USER/SHARED tables that may hold tombstones older than their retention at `now_us`.
  virtual Result<std::vector<TableId>> TablesDueForRetention(int64_t now_us) = 0;
  // Soft-deleted users whose deletion grace period is over at `now_us`.
  virtual Result<std::vector<UserId>> UsersDueForCleanup(int64_t now_us) = 0;
  // Rows held by STREAM buffers (a stream_eviction job has work only when some are).
  virtual uint64_t StreamRowsBuffered() = 0;

  // A `compact` job for each USER/SHARED table with a scope of more segments than
  // compaction.max_segments_per_scope, for the scopes over it (none when that is 0).
  virtual Result<std::vector<CompactJobParams>> CompactionsDue() = 0;

  // Runs a job of `type` (flush, cleanup, retention, compact, stream_eviction or user_cleanup) with the parameters its
  // record holds (job_parameters.h). `now_us` is the time retention and user cleanup judge by
  // (0 = now). Skipped when there is nothing left to do (the table was dropped, the user was
  // reactivated); Unsupported for another type. `cancel` (may be null) is the job's KILL JOB /
  // shutdown flag: a flush stops at its next check, before its commit point.
  virtual Result<JobOutcome> RunJob(JobType type, std::string_view parameters_json, int64_t now_us = 0,
                                    const std::atomic<bool>* cancel = nullptr) = 0;

  // user_management.deletion_grace_period_days (default 30): a soft-deleted user is purged
  // this long after DROP USER.
  virtual void SetUserDeletionGracePeriodDays(int64_t days) = 0;
};

}  // namespace kalam::core
