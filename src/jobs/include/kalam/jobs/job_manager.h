#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kalam/commons/clock.h"
#include "kalam/commons/job.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/result.h"
#include "kalam/system/job_repository.h"

namespace kalam::jobs {

// The `jobs` section of the configuration (docs/configuration.md).
struct JobManagerOptions {
  int max_concurrent = 10;  // worker threads, i.e. jobs running at once (at least 1)
  int max_retries = 3;      // retries after the first attempt before a job is `failed`
  int64_t retry_backoff_ms = 100;  // retry n (0-based) waits retry_backoff_ms * 2^n
  int64_t shutdown_timeout_secs = 30;  // Stop() waits this long before cancelling running jobs
  // Records of jobs that finished more than this many days ago are deleted from the store
  // (system.jobs), checked at most once a minute as jobs finish; 0 keeps them forever.
  int64_t record_retention_days = 7;
};

// Runs one job. Returns its outcome: the message shown in system.jobs ("Flushed N row(s) to M
// file(s)") and whether the job ends `completed` or `skipped` (nothing to do). A failure
// Status is retried with backoff. Long executors should poll `cancelled` and return
// early (any Status) once it is set: KILL JOB and a shutdown past its timeout set it. Called on
// a worker thread, never with the manager's lock held; must not throw (an exception is caught
// and counts as an Internal failure).
using JobExecutor = std::function<Result<JobOutcome>(const JobRecord& job, const std::atomic<bool>& cancelled)>;

// The job system: a FIFO queue served by `max_concurrent` worker threads, with idempotency keys,
// retries with exponential backoff, KILL JOB, crash recovery and an orderly shutdown. Every
// state change is written through JobRepository before it becomes visible, so system.jobs
// (read from the store) and a restarted process see what happened.
//
// Lifecycle: RegisterExecutor for each type, Start(), Submit/Kill from any thread, Stop()
// (also run by the destructor). Thread-safe after Start().
class JobManager : public JobSubmitter {
 public:
  // `repository` and `clock` must outlive the manager. Backoff deadlines, the shutdown grace
  // period and the times in job records are read from `clock`.
  JobManager(system::JobRepository& repository, JobManagerOptions options, const Clock& clock = ProcessClock());
  ~JobManager() override;

  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Sets the executor for `type`, normally before Start() (recovery re-queues only types that
  // have one); a replacement applies to attempts that start later. Submitting a type without
  // an executor fails with Unsupported.
  void RegisterExecutor(JobType type, JobExecutor executor);

  // Recovers from a previous process, then starts the workers. Jobs the store shows as new,
  // queued, running or retrying were interrupted: each becomes `failed` with message
  // "interrupted by a restart", and those of idempotent types (IsIdempotent) with an executor
  // are submitted again as new jobs under the same idempotency key and parameters.
  // InvalidOperation when called twice.
  Status Start();

  // Refuses new submissions, lets running jobs finish for up to `shutdown_timeout_secs`, then
  // sets their cancel flags and waits for their executors to return. Queued and retrying jobs
  // stay so in the store and are recovered by the next Start(). Idempotent.
  void Stop();

  // JobSubmitter. Submit fails with InvalidOperation unless the manager is started and not
  // stopped, and with Unsupported ("Not supported yet: ...") for a type without an executor.
  Result<JobSubmission> Submit(JobType type, std::string idempotency_key, std::string parameters_json) override;
  Status Kill(const JobId& id, std::string* message) override;

  // Every job in the store (this process's and earlier ones'), newest first.
  Result<std::vector<JobRecord>> List() const;
  // One job from the store; empty when unknown.
  Result<std::optional<JobRecord>> Get(const JobId& id) const;

  // For system.stats: jobs waiting (queued or retrying) and jobs running in this process.
  int64_t QueuedCount() const;
  int64_t RunningCount() const;

  // The most recent failure to write a job record from a worker (ok when none). Workers have
  // no caller to return it to; the in-memory state stays right and the next Start() repairs
  // whatever the store missed.
  Status LastPersistError() const;

 private:
  // A job of this process that is not finished, or whose executor has not returned yet.
  struct ActiveJob {
    JobRecord record;  // the latest state, as persisted
    // Read by the executor without the lock; shared so the executor's reference outlives the
    // map entry if the job is erased while it runs.
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    bool executing = false;  // an executor is running it (its status may already be cancelled)
  };

  // An entry of the run queue: a queued job, or a retrying one waiting out its backoff.
  struct QueueEntry {
    JobId id;
    Clock::SteadyPoint ready_at;
  };

  void WorkerLoop();
  // The first queue entry that may run now, removed from the queue; nullopt when none. Sets
  // `*wake_at` to the earliest backoff deadline among the entries that are not ready yet.
  std::optional<JobId> TakeReadyLocked(Clock::SteadyPoint now, std::optional<Clock::SteadyPoint>* wake_at);
  // Marks `id` running, runs one attempt without the lock, then records the outcome under it.
  // `lock` holds `mu_` on entry and on return.
  void RunLocked(const JobId& id, std::unique_lock<std::mutex>& lock);
  // Records the outcome of an attempt of `id` and decides what comes next: done, or retry.
  void FinishAttemptLocked(const JobId& id, const Result<JobOutcome>& outcome, int64_t cpu_us);
  // Writes `record` to the store from a worker; a failure is kept for LastPersistError().
  void PersistLocked(const JobRecord& record);
  // Forgets a job that will not run again: its entry and its idempotency key.
  void ReleaseLocked(const JobId& id);
  // Removes a job from the run queue; true when it was there.
  bool DequeueLocked(const JobId& id);
  Result<JobSubmission> SubmitLocked(JobType type, std::string idempotency_key, std::string parameters_json);
  std::chrono::milliseconds BackoffFor(int retry) const;
  // Deletes the stored records of jobs finished before the retention, at most once a minute.
  // Called without `mu_`: it reads every record, and finished records never change again.
  void PurgeExpiredRecords();

  system::JobRepository& repository_;
  std::atomic<int64_t> last_record_purge_us_{0};
  const JobManagerOptions options_;
  const Clock& clock_;
  // Guards everything below. Store writes of job state happen under it too, so the order of
  // records in the store is the order of state changes (a KILL racing with a completion
  // cannot leave the older state on disk). Job traffic is a few jobs per second at most, so
  // one lock is plenty.
  mutable std::mutex mu_;
  // Workers wait here for a ready queue entry, a backoff deadline, or Stop().
  std::condition_variable work_cv_;
  // Stop() waits here for executors to return.
  std::condition_variable idle_cv_;
  // Workers copy an executor under the lock before calling it, so RegisterExecutor may
  // replace one while an attempt of the old one is running.
  std::unordered_map<JobType, JobExecutor> executors_;
  bool started_ = false;
  bool stopping_ = false;
  std::unordered_map<JobId, ActiveJob> active_;
  // Idempotency key -> the queued, running or retrying job holding it.
  std::unordered_map<std::string, JobId> active_keys_;
  // Keys whose executor is still running (including a killed job that is still unwinding): a
  // new job with the same key waits until it returns, so two executors never run one key.
  std::unordered_set<std::string> executing_keys_;
  std::deque<QueueEntry> queue_;
  int executing_ = 0;  // executors in flight
  Status last_persist_error_;
  std::vector<std::thread> workers_;

  // Serialises Start() and Stop() (which join threads outside `mu_`). Never taken by workers.
  std::mutex lifecycle_mu_;
};

}  // namespace kalam::jobs
