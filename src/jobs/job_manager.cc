#include "kalam/jobs/job_manager.h"

#include <time.h>

#include <algorithm>
#include <exception>
#include <system_error>

#include "kalam/commons/clock.h"
#include "kalam/commons/metrics.h"

namespace kalam::jobs {
namespace {

constexpr std::string_view kInterruptedMessage = "interrupted by a restart";
constexpr std::string_view kKilledMessage = "Killed by KILL JOB";
constexpr std::string_view kShutdownMessage = "Cancelled at shutdown";

// CPU time of the calling thread in µs: what one attempt cost, independent of how long it
// waited for locks or I/O.
int64_t ThreadCpuMicros() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

// Executors come from other modules; an exception must not unwind through a worker thread
// (that would terminate the process), so it becomes a failed attempt.
Result<JobOutcome> RunExecutor(const JobExecutor& executor, const JobRecord& job,
                                const std::atomic<bool>& cancelled) {
  try {
    return executor(job, cancelled);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("job executor threw: ") + e.what());
  } catch (...) {
    return Status::Internal("job executor threw a non-standard exception");
  }
}

std::string AlreadyFinished(const JobId& id, JobStatus status) {
  return "Job " + id.str() + " already finished (" + std::string(JobStatusName(status)) + ")";
}

}  // namespace

JobManager::JobManager(system::JobRepository& repository, JobManagerOptions options, const Clock& clock)
    : repository_(repository), options_(options), clock_(clock) {}

JobManager::~JobManager() { Stop(); }

void JobManager::RegisterExecutor(JobType type, JobExecutor executor) {
  std::lock_guard<std::mutex> lock(mu_);
  executors_[type] = std::move(executor);
}

Status JobManager::Start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (started_ || stopping_) return Status::InvalidOperation("Job manager already started or stopped");

  // Crash recovery. Nothing of this process is active yet, so every unfinished record in the
  // store belongs to a process that is gone: its executor no longer runs.
  KALAM_ASSIGN_OR_RETURN(std::vector<JobRecord> stored, repository_.List());
  // List() is newest first; re-queue oldest first so the queue keeps the original order.
  for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
    JobRecord& r = *it;
    if (IsFinished(r.status)) continue;
    r.status = JobStatus::kFailed;
    r.message = std::string(kInterruptedMessage);
    r.finished_at_us = r.updated_at_us = clock_.NowMicros();
    KALAM_RETURN_IF_ERROR(repository_.Put(r));
    if (IsIdempotent(r.type) && executors_.count(r.type)) {
      KALAM_ASSIGN_OR_RETURN(JobSubmission resubmitted, SubmitLocked(r.type, r.idempotency_key, r.parameters_json));
      static_cast<void>(resubmitted);
    }
  }

  const int workers = std::max(1, options_.max_concurrent);
  for (int i = 0; i < workers; ++i) {
    try {
      workers_.emplace_back([this] { WorkerLoop(); });
    } catch (const std::system_error& e) {
      // Fewer workers only lowers concurrency; none at all means no job would ever run.
      if (workers_.empty()) return Status::Internal(std::string("cannot start job workers: ") + e.what());
      break;
    }
  }
  started_ = true;
  return Status::Ok();
}

void JobManager::Stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  work_cv_.notify_all();
  // Clamped so that an absurd setting cannot overflow the clock arithmetic.
  const int64_t grace_secs = std::clamp<int64_t>(options_.shutdown_timeout_secs, 0, int64_t{365} * 24 * 3600);
  const auto deadline = clock_.SteadyNow() + std::chrono::seconds(grace_secs);
  while (executing_ != 0 && clock_.SteadyNow() < deadline) clock_.WaitUntil(lock, idle_cv_, deadline);
  if (executing_ != 0) {
    // Past the grace period: ask the stragglers to stop. They are cooperative, so this waits
    // for them to notice; cutting them off would leave half-written files behind.
    for (auto& [id, job] : active_) {
      if (job.executing) job.cancelled->store(true);
    }
    idle_cv_.wait(lock, [this] { return executing_ == 0; });
  }
  lock.unlock();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

Result<JobSubmission> JobManager::Submit(JobType type, std::string idempotency_key, std::string parameters_json) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || stopping_) return Status::InvalidOperation("Job manager is not running");
  return SubmitLocked(type, std::move(idempotency_key), std::move(parameters_json));
}

Result<JobSubmission> JobManager::SubmitLocked(JobType type, std::string idempotency_key,
                                               std::string parameters_json) {
  if (!executors_.count(type)) {
    return Status::Unsupported("Not supported yet: " + std::string(JobTypeName(type)) + " jobs");
  }
  if (!idempotency_key.empty()) {
    auto it = active_keys_.find(idempotency_key);
    if (it != active_keys_.end()) return JobSubmission{it->second, true};
  }
  JobRecord r;
  do {
    r.id = NewJobId(type);
  } while (active_.count(r.id));
  r.type = type;
  r.status = JobStatus::kNew;
  r.parameters_json = std::move(parameters_json);
  r.idempotency_key = std::move(idempotency_key);
  r.max_retries = options_.max_retries;
  r.created_at_us = r.updated_at_us = clock_.NowMicros();
  KALAM_RETURN_IF_ERROR(repository_.Put(r));
  r.status = JobStatus::kQueued;
  r.updated_at_us = clock_.NowMicros();
  KALAM_RETURN_IF_ERROR(repository_.Put(r));

  const JobId id = r.id;
  if (!r.idempotency_key.empty()) active_keys_[r.idempotency_key] = id;
  active_[id].record = std::move(r);
  queue_.push_back(QueueEntry{id, clock_.SteadyNow()});
  work_cv_.notify_one();
  return JobSubmission{id, false};
}

Status JobManager::Kill(const JobId& id, std::string* message) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string killed = "Job " + id.str() + " killed: cancelled";
  auto it = active_.find(id);
  if (it != active_.end()) {
    ActiveJob& job = it->second;
    // A job killed earlier whose executor is still unwinding.
    if (IsFinished(job.record.status)) return Status::InvalidOperation(AlreadyFinished(id, job.record.status));
    JobRecord updated = job.record;
    updated.status = JobStatus::kCancelled;
    updated.message = std::string(kKilledMessage);
    updated.finished_at_us = updated.updated_at_us = clock_.NowMicros();
    // Store first: when the write fails, nothing has changed and the caller sees the error.
    KALAM_RETURN_IF_ERROR(repository_.Put(updated));
    job.record = std::move(updated);
    ProcessMetrics().JobFinished(job.record.type, JobStatus::kCancelled);
    if (job.executing) {
      // The entry stays until the executor returns (RunLocked needs it, and its key stays
      // busy in executing_keys_); only the idempotency key is given up now, so a new
      // submission creates a new job that starts once this executor has returned.
      job.cancelled->store(true);
      auto key = active_keys_.find(job.record.idempotency_key);
      if (key != active_keys_.end() && key->second == id) active_keys_.erase(key);
    } else {
      DequeueLocked(id);
      ReleaseLocked(id);
    }
    if (message != nullptr) *message = killed;
    return Status::Ok();
  }

  KALAM_ASSIGN_OR_RETURN(std::optional<JobRecord> stored, repository_.Get(id));
  if (!stored) return Status::NotFound("Job '" + id.str() + "' not found");
  if (IsFinished(stored->status)) return Status::InvalidOperation(AlreadyFinished(id, stored->status));
  // An unfinished record no process runs: left by an earlier process and not recovered yet
  // (this manager is not started). Cancelling it only needs the store.
  stored->status = JobStatus::kCancelled;
  stored->message = std::string(kKilledMessage);
  stored->finished_at_us = stored->updated_at_us = clock_.NowMicros();
  KALAM_RETURN_IF_ERROR(repository_.Put(*stored));
  if (message != nullptr) *message = killed;
  return Status::Ok();
}

Result<std::vector<JobRecord>> JobManager::List() const { return repository_.List(); }

Result<std::optional<JobRecord>> JobManager::Get(const JobId& id) const { return repository_.Get(id); }

int64_t JobManager::QueuedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::count_if(active_.begin(), active_.end(), [](const auto& kv) {
    return kv.second.record.status == JobStatus::kQueued || kv.second.record.status == JobStatus::kRetrying;
  });
}

int64_t JobManager::RunningCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::count_if(active_.begin(), active_.end(),
                       [](const auto& kv) { return kv.second.record.status == JobStatus::kRunning; });
}

Status JobManager::LastPersistError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_persist_error_;
}

void JobManager::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    std::optional<Clock::SteadyPoint> wake_at;
    const std::optional<JobId> id = TakeReadyLocked(clock_.SteadyNow(), &wake_at);
    if (!id) {
      if (wake_at) {
        clock_.WaitUntil(lock, work_cv_, *wake_at);
      } else {
        work_cv_.wait(lock);
      }
      continue;
    }
    RunLocked(*id, lock);
  }
}

std::optional<JobId> JobManager::TakeReadyLocked(Clock::SteadyPoint now, std::optional<Clock::SteadyPoint>* wake_at) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->ready_at > now) {
      if (!*wake_at || it->ready_at < **wake_at) *wake_at = it->ready_at;
      continue;
    }
    // Same key still executing (a killed job unwinding): wait for it; its return notifies.
    const std::string& key = active_.at(it->id).record.idempotency_key;
    if (!key.empty() && executing_keys_.count(key)) continue;
    JobId id = std::move(it->id);
    queue_.erase(it);
    return id;
  }
  return std::nullopt;
}

void JobManager::RunLocked(const JobId& id, std::unique_lock<std::mutex>& lock) {
  ActiveJob& job = active_.at(id);
  job.executing = true;
  ++executing_;
  if (!job.record.idempotency_key.empty()) executing_keys_.insert(job.record.idempotency_key);
  job.record.status = JobStatus::kRunning;
  job.record.updated_at_us = clock_.NowMicros();
  if (job.record.started_at_us == 0) job.record.started_at_us = job.record.updated_at_us;
  PersistLocked(job.record);

  // Copies taken under the lock: the executor runs without it and the entry may change.
  const JobRecord snapshot = job.record;
  const std::shared_ptr<std::atomic<bool>> cancelled = job.cancelled;
  auto found = executors_.find(snapshot.type);
  const JobExecutor executor = found == executors_.end() ? JobExecutor() : found->second;

  lock.unlock();
  const int64_t cpu_before = ThreadCpuMicros();
  Result<JobOutcome> outcome =
      executor ? RunExecutor(executor, snapshot, *cancelled)
               : Result<JobOutcome>(Status::Internal("no executor for job type " +
                                                      std::string(JobTypeName(snapshot.type))));
  const int64_t cpu_us = ThreadCpuMicros() - cpu_before;
  lock.lock();

  --executing_;
  if (!snapshot.idempotency_key.empty()) executing_keys_.erase(snapshot.idempotency_key);
  active_.at(id).executing = false;
  FinishAttemptLocked(id, outcome, cpu_us);
  // A released key may unblock a queued job; Stop() may be waiting for the last executor.
  work_cv_.notify_all();
  idle_cv_.notify_all();
  lock.unlock();
  PurgeExpiredRecords();
  lock.lock();
}

void JobManager::PurgeExpiredRecords() {
  constexpr int64_t kPurgeEveryMicros = 60LL * 1000 * 1000;
  constexpr int64_t kMicrosPerDay = 24LL * 3600 * 1000 * 1000;
  if (options_.record_retention_days <= 0) return;
  const int64_t now = clock_.NowMicros();
  int64_t last = last_record_purge_us_.load();
  // One worker purges; the others go on.
  if (now - last < kPurgeEveryMicros || !last_record_purge_us_.compare_exchange_strong(last, now)) return;
  const int64_t cutoff = now - options_.record_retention_days * kMicrosPerDay;
  auto records = repository_.List();
  if (!records.ok()) return;
  for (const JobRecord& record : *records) {
    if (!IsFinished(record.status) || record.finished_at_us == 0 || record.finished_at_us >= cutoff) continue;
    Status s = repository_.Delete(record.id);
    if (!s.ok()) {
      std::lock_guard lock(mu_);
      last_persist_error_ = std::move(s);
      return;
    }
  }
}

void JobManager::FinishAttemptLocked(const JobId& id, const Result<JobOutcome>& outcome, int64_t cpu_us) {
  JobRecord& r = active_.at(id).record;
  if (r.status == JobStatus::kCancelled) {
    // Killed while running: Kill() already stored the final state.
    ReleaseLocked(id);
    return;
  }
  r.cpu_used += cpu_us;
  r.updated_at_us = clock_.NowMicros();
  if (outcome.ok()) {
    r.status = outcome.value().skipped ? JobStatus::kSkipped : JobStatus::kCompleted;
    r.message = outcome.value().message;
    r.exception_trace.clear();  // an earlier attempt's failure is no longer the story
    r.finished_at_us = r.updated_at_us;
    PersistLocked(r);
    ProcessMetrics().JobFinished(r.type, r.status);
    ReleaseLocked(id);
    return;
  }
  const Status& error = outcome.status();
  r.message = error.message();
  r.exception_trace = error.ToString();
  if (active_.at(id).cancelled->load()) {
    // Only Stop() sets the flag without marking the job cancelled.
    r.status = JobStatus::kCancelled;
    r.message = std::string(kShutdownMessage);
  } else if (r.retry_count < r.max_retries) {
    const auto delay = BackoffFor(r.retry_count);
    ++r.retry_count;
    r.status = JobStatus::kRetrying;
    PersistLocked(r);
    queue_.push_back(QueueEntry{id, clock_.SteadyNow() + delay});
    // Idle workers may be sleeping without a deadline; let them pick up this one.
    work_cv_.notify_all();
    return;
  } else {
    r.status = JobStatus::kFailed;
  }
  r.finished_at_us = r.updated_at_us;
  PersistLocked(r);
  ProcessMetrics().JobFinished(r.type, r.status);
  ReleaseLocked(id);
}

void JobManager::PersistLocked(const JobRecord& record) {
  Status s = repository_.Put(record);
  if (!s.ok()) last_persist_error_ = std::move(s);
}

void JobManager::ReleaseLocked(const JobId& id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  auto key = active_keys_.find(it->second.record.idempotency_key);
  if (key != active_keys_.end() && key->second == id) active_keys_.erase(key);
  active_.erase(it);
}

bool JobManager::DequeueLocked(const JobId& id) {
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const QueueEntry& e) { return e.id == id; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  return true;
}

std::chrono::milliseconds JobManager::BackoffFor(int retry) const {
  // Capped exponent: 2^20 × the base is already far beyond any sensible wait, and the cap
  // keeps the shift from overflowing.
  const int shift = std::clamp(retry, 0, 20);
  return std::chrono::milliseconds(std::max<int64_t>(0, options_.retry_backoff_ms) << shift);
}

}  // namespace kalam::jobs
