#include "kalam/commons/temp_dir.h"
#include "kalam/jobs/job_manager.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/clock.h"
#include "kalam/commons/manual_clock.h"
#include "kalam/store/storage_backend.h"
#include "kalam/system/job_repository.h"

namespace kalam::jobs {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;


// A door executors wait behind until the test opens it.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Polls `pred` until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

class JobManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    repo_ = std::make_unique<system::JobRepository>(*backend_);
  }

  static JobManagerOptions Options(int max_concurrent = 4, int max_retries = 3, int64_t backoff_ms = 5) {
    JobManagerOptions o;
    o.max_concurrent = max_concurrent;
    o.max_retries = max_retries;
    o.retry_backoff_ms = backoff_ms;
    o.shutdown_timeout_secs = 30;
    return o;
  }

  std::unique_ptr<JobManager> NewManager(JobManagerOptions options, const Clock& clock = SystemClock()) {
    return std::make_unique<JobManager>(*repo_, options, clock);
  }

  // The stored record of `id`; a default record (status new, no id) when absent.
  JobRecord Stored(const JobId& id) {
    auto got = repo_->Get(id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() && got->has_value() ? **got : JobRecord{};
  }

  bool WaitForStatus(const JobId& id, JobStatus status, std::chrono::milliseconds timeout = 10s) {
    const bool reached = Eventually([&] { return Stored(id).status == status; }, timeout);
    EXPECT_TRUE(reached) << id.str() << " is " << JobStatusName(Stored(id).status) << ", wanted "
                         << JobStatusName(status);
    return reached;
  }

  JobId SubmitNew(JobManager& m, JobType type, std::string key = "", std::string params = "{}") {
    auto s = m.Submit(type, std::move(key), std::move(params));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return JobId();
    EXPECT_FALSE(s->already_active);
    return s->id;
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<system::JobRepository> repo_;
};

TEST_F(JobManagerTest, ExecutesAJobAndRecordsItsCompletion) {
  std::mutex mu;  // the test reads these after the job, through the store only otherwise
  std::string seen_params;
  JobStatus seen_status = JobStatus::kNew;
  auto m = NewManager(Options());
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord& job, const std::atomic<bool>&) -> Result<JobOutcome> {
    std::lock_guard<std::mutex> lock(mu);
    seen_params = job.parameters_json;
    seen_status = job.status;
    return JobOutcome::Completed("Flushed 3 row(s) to 1 file(s)");
  });
  ASSERT_TRUE(m->Start().ok());
  const int64_t before = NowMicros();
  const JobId id = SubmitNew(*m, JobType::kFlush, "flush:app.t", R"({"table_id":"app.t"})");
  EXPECT_TRUE(std::regex_match(id.str(), std::regex("^FL-[0-9a-f]{12}$"))) << id.str();
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));

  const JobRecord r = Stored(id);
  EXPECT_EQ(r.type, JobType::kFlush);
  EXPECT_EQ(r.message, "Flushed 3 row(s) to 1 file(s)");
  EXPECT_EQ(r.exception_trace, "");
  EXPECT_EQ(r.parameters_json, R"({"table_id":"app.t"})");
  EXPECT_EQ(r.idempotency_key, "flush:app.t");
  EXPECT_EQ(r.queue, "default");
  EXPECT_EQ(r.retry_count, 0);
  EXPECT_EQ(r.max_retries, 3);
  EXPECT_GE(r.created_at_us, before);
  EXPECT_GE(r.started_at_us, r.created_at_us);
  EXPECT_GE(r.finished_at_us, r.started_at_us);
  EXPECT_EQ(r.updated_at_us, r.finished_at_us);
  EXPECT_GE(r.cpu_used, 0);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(seen_params, R"({"table_id":"app.t"})");
    EXPECT_EQ(seen_status, JobStatus::kRunning);
  }
  EXPECT_EQ(m->QueuedCount(), 0);
  EXPECT_EQ(m->RunningCount(), 0);

  auto listed = m->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, id);
  auto got = m->Get(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, JobStatus::kCompleted);
  EXPECT_TRUE(m->LastPersistError().ok());
}

TEST_F(JobManagerTest, IdsHaveTheTypePrefixAndTwelveHexDigits) {
  auto m = NewManager(Options());
  auto done = [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> { return JobOutcome::Completed("ok"); };
  m->RegisterExecutor(JobType::kFlush, done);
  m->RegisterExecutor(JobType::kUserCleanup, done);
  ASSERT_TRUE(m->Start().ok());
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(std::regex_match(SubmitNew(*m, JobType::kFlush).str(), std::regex("^FL-[0-9a-f]{12}$")));
  }
  EXPECT_TRUE(std::regex_match(SubmitNew(*m, JobType::kUserCleanup).str(), std::regex("^UC-[0-9a-f]{12}$")));
}

TEST_F(JobManagerTest, SkippedOutcomeMarksTheJobSkipped) {
  auto m = NewManager(Options());
  m->RegisterExecutor(JobType::kFlush, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Skipped("table app.t no longer exists");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kSkipped));
  EXPECT_EQ(Stored(id).message, "Skipped: table app.t no longer exists");
  EXPECT_NE(Stored(id).finished_at_us, 0);
}

// The outcome's kind decides, never its wording.
TEST_F(JobManagerTest, CompletedOutcomeIsCompletedWhateverItsMessage) {
  auto m = NewManager(Options());
  m->RegisterExecutor(JobType::kFlush, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Completed("Skipped nothing: flushed 2 row(s)");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));
  EXPECT_EQ(Stored(id).message, "Skipped nothing: flushed 2 row(s)");
}

TEST_F(JobManagerTest, IdempotencyKeyGivesOneJobWhileQueuedOrRunning) {
  Gate gate;
  std::atomic<int> runs{0};
  auto m = NewManager(Options(/*max_concurrent=*/1));
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    ++runs;
    gate.Wait();
    return JobOutcome::Completed("Flushed 1 row(s) to 1 file(s)");
  });
  ASSERT_TRUE(m->Start().ok());

  // Running.
  const JobId first = SubmitNew(*m, JobType::kFlush, "flush:app.a");
  ASSERT_TRUE(WaitForStatus(first, JobStatus::kRunning));
  auto again = m->Submit(JobType::kFlush, "flush:app.a", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_active);
  EXPECT_EQ(again->id, first);

  // Queued behind it (one worker).
  const JobId queued = SubmitNew(*m, JobType::kFlush, "flush:app.b");
  EXPECT_EQ(Stored(queued).status, JobStatus::kQueued);
  again = m->Submit(JobType::kFlush, "flush:app.b", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_active);
  EXPECT_EQ(again->id, queued);

  // No key, no de-duplication.
  const JobId a = SubmitNew(*m, JobType::kFlush);
  const JobId b = SubmitNew(*m, JobType::kFlush);
  EXPECT_NE(a, b);

  gate.Open();
  for (const JobId& id : {first, queued, a, b}) ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));
  EXPECT_EQ(runs.load(), 4);

  // Once the job is finished the key is free again.
  auto after = m->Submit(JobType::kFlush, "flush:app.a", "{}");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->already_active);
  EXPECT_NE(after->id, first);
  ASSERT_TRUE(WaitForStatus(after->id, JobStatus::kCompleted));
}

TEST_F(JobManagerTest, NeverRunsMoreThanMaxConcurrent) {
  Gate gate;
  std::atomic<int> running{0};
  std::atomic<int> max_seen{0};
  auto m = NewManager(Options(/*max_concurrent=*/2));
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    const int now = ++running;
    int prev = max_seen.load();
    while (prev < now && !max_seen.compare_exchange_weak(prev, now)) {
    }
    gate.Wait();
    --running;
    return JobOutcome::Completed("done");
  });
  ASSERT_TRUE(m->Start().ok());
  std::vector<JobId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(SubmitNew(*m, JobType::kFlush, "flush:t" + std::to_string(i)));

  ASSERT_TRUE(Eventually([&] { return running.load() == 2; }));
  // A third worker starting (wrongly) at any point up to the gate's opening shows in max_seen.
  EXPECT_EQ(running.load(), 2);
  EXPECT_EQ(m->RunningCount(), 2);
  EXPECT_EQ(m->QueuedCount(), 3);
  int queued_in_store = 0;
  for (const JobId& id : ids) queued_in_store += Stored(id).status == JobStatus::kQueued;
  EXPECT_EQ(queued_in_store, 3);

  gate.Open();
  for (const JobId& id : ids) ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));
  EXPECT_EQ(max_seen.load(), 2);
}

TEST_F(JobManagerTest, RetriesWithExponentialBackoffThenFails) {
  std::mutex mu;
  std::vector<Clock::SteadyPoint> attempts;
  std::vector<int> seen_retry_counts;
  // Time moves only when the test says: each retry can start only once the clock has passed
  // its backoff, so the attempts are exactly the advances apart.
  ManualClock clock;
  auto m = NewManager(Options(/*max_concurrent=*/2, /*max_retries=*/2, /*backoff_ms=*/30'000), clock);
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord& job, const std::atomic<bool>&) -> Result<JobOutcome> {
    std::lock_guard<std::mutex> lock(mu);
    attempts.push_back(clock.SteadyNow());
    seen_retry_counts.push_back(job.retry_count);
    return Status::IoError("disk full");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush, "flush:app.t");
  ASSERT_TRUE(Eventually([&] { return Stored(id).retry_count == 1; }));
  EXPECT_EQ(Stored(id).status, JobStatus::kRetrying);
  clock.Advance(30s);
  ASSERT_TRUE(Eventually([&] { return Stored(id).retry_count == 2; }));
  EXPECT_EQ(Stored(id).status, JobStatus::kRetrying);
  clock.Advance(60s);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kFailed));

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(attempts.size(), 3u);  // the first attempt and max_retries retries
  EXPECT_EQ(seen_retry_counts, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(attempts[1] - attempts[0], 30s);
  EXPECT_EQ(attempts[2] - attempts[1], 60s);
  const JobRecord r = Stored(id);
  EXPECT_EQ(r.retry_count, 2);
  EXPECT_EQ(r.max_retries, 2);
  EXPECT_EQ(r.message, "disk full");
  EXPECT_THAT(r.exception_trace, HasSubstr("disk full"));
  EXPECT_EQ(r.exception_trace, Status::IoError("disk full").ToString());
  EXPECT_NE(r.finished_at_us, 0);

  // A failed job frees its key.
  auto again = m->Submit(JobType::kFlush, "flush:app.t", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->already_active);
}

// system.jobs does not grow forever: a finished job's record goes once it is older than
// record_retention_days, checked as later jobs finish; younger records stay.
TEST_F(JobManagerTest, FinishedJobRecordsAreDeletedAfterTheRetention) {
  ManualClock clock;
  JobManagerOptions options = Options();
  options.record_retention_days = 7;
  auto m = NewManager(options, clock);
  m->RegisterExecutor(JobType::kFlush, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Completed("done");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId old = SubmitNew(*m, JobType::kFlush, "flush:app.a");
  ASSERT_TRUE(WaitForStatus(old, JobStatus::kCompleted));
  clock.Advance(std::chrono::hours(24 * 7) - 1min);
  const JobId within = SubmitNew(*m, JobType::kFlush, "flush:app.b");
  ASSERT_TRUE(WaitForStatus(within, JobStatus::kCompleted));
  ASSERT_TRUE(m->Get(old)->has_value());  // six days and 23 hours old: kept
  clock.Advance(2min);
  const JobId young = SubmitNew(*m, JobType::kFlush, "flush:app.c");
  ASSERT_TRUE(WaitForStatus(young, JobStatus::kCompleted));
  ASSERT_TRUE(Eventually([&] { return !m->Get(old)->has_value(); }));
  EXPECT_TRUE(m->Get(within)->has_value());
  EXPECT_TRUE(m->Get(young)->has_value());
}

TEST_F(JobManagerTest, SucceedsOnARetryAndShowsRetryingInBetween) {
  std::atomic<int> attempts{0};
  ManualClock clock;  // the job waits in `retrying` until the test moves time past its backoff
  auto m = NewManager(Options(/*max_concurrent=*/1, /*max_retries=*/3, /*backoff_ms=*/500), clock);
  m->RegisterExecutor(JobType::kRetention, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    if (++attempts == 1) return Status::IoError("transient");
    return JobOutcome::Completed("Purged 4 tombstone(s)");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kRetention, "retention:app.t");
  EXPECT_TRUE(std::regex_match(id.str(), std::regex("^RT-[0-9a-f]{12}$")));

  ASSERT_TRUE(WaitForStatus(id, JobStatus::kRetrying));
  JobRecord r = Stored(id);
  EXPECT_EQ(r.retry_count, 1);
  EXPECT_EQ(r.message, "transient");
  EXPECT_THAT(r.exception_trace, HasSubstr("transient"));
  EXPECT_EQ(r.finished_at_us, 0);
  EXPECT_EQ(m->QueuedCount(), 1);
  // Still holds its key while waiting to retry.
  auto again = m->Submit(JobType::kRetention, "retention:app.t", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_active);
  EXPECT_EQ(again->id, id);

  clock.Advance(500ms);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));
  r = Stored(id);
  EXPECT_EQ(attempts.load(), 2);
  EXPECT_EQ(r.retry_count, 1);
  EXPECT_EQ(r.message, "Purged 4 tombstone(s)");
  EXPECT_EQ(r.exception_trace, "");
}

TEST_F(JobManagerTest, AThrowingExecutorCountsAsAFailure) {
  auto m = NewManager(Options(/*max_concurrent=*/1, /*max_retries=*/0));
  m->RegisterExecutor(JobType::kCleanup, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kCleanup);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kFailed));
  EXPECT_THAT(Stored(id).exception_trace, HasSubstr("boom"));
  EXPECT_EQ(Stored(id).retry_count, 0);
}

TEST_F(JobManagerTest, KillRemovesAQueuedJob) {
  Gate gate;
  std::mutex mu;
  std::vector<std::string> ran;
  auto m = NewManager(Options(/*max_concurrent=*/1));
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord& job, const std::atomic<bool>&) -> Result<JobOutcome> {
    {
      std::lock_guard<std::mutex> lock(mu);
      ran.push_back(job.id.str());
    }
    gate.Wait();
    return JobOutcome::Completed("done");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId blocker = SubmitNew(*m, JobType::kFlush);
  ASSERT_TRUE(WaitForStatus(blocker, JobStatus::kRunning));
  const JobId victim = SubmitNew(*m, JobType::kFlush, "flush:app.victim");
  EXPECT_EQ(Stored(victim).status, JobStatus::kQueued);

  std::string message;
  ASSERT_TRUE(m->Kill(victim, &message).ok());
  EXPECT_EQ(message, "Job " + victim.str() + " killed: cancelled");
  const JobRecord r = Stored(victim);
  EXPECT_EQ(r.status, JobStatus::kCancelled);
  EXPECT_NE(r.finished_at_us, 0);
  EXPECT_EQ(r.started_at_us, 0);
  EXPECT_EQ(m->QueuedCount(), 0);

  // The key is free again at once.
  auto again = m->Submit(JobType::kFlush, "flush:app.victim", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->already_active);

  gate.Open();
  ASSERT_TRUE(WaitForStatus(blocker, JobStatus::kCompleted));
  ASSERT_TRUE(WaitForStatus(again->id, JobStatus::kCompleted));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(std::count(ran.begin(), ran.end(), victim.str()), 0);
  EXPECT_EQ(Stored(victim).status, JobStatus::kCancelled);
}

TEST_F(JobManagerTest, KillSetsTheCancelFlagOfARunningJob) {
  std::atomic<int> attempts{0};
  std::atomic<bool> returned{false};
  ManualClock clock;  // stands still: a (wrong) retry would wait in `retrying`, where it shows
  auto m = NewManager(Options(/*max_concurrent=*/2, /*max_retries=*/3, /*backoff_ms=*/1), clock);
  m->RegisterExecutor(JobType::kFlush,
                      [&](const JobRecord&, const std::atomic<bool>& cancelled) -> Result<JobOutcome> {
                        ++attempts;
                        while (!cancelled.load()) std::this_thread::sleep_for(1ms);
                        returned = true;
                        return Status::InvalidOperation("stopped: cancelled");
                      });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush, "flush:app.t");
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kRunning));

  std::string message;
  ASSERT_TRUE(m->Kill(id, &message).ok());
  EXPECT_EQ(message, "Job " + id.str() + " killed: cancelled");
  EXPECT_EQ(Stored(id).status, JobStatus::kCancelled);
  ASSERT_TRUE(Eventually([&] { return returned.load(); }));
  // Stop() returns once the attempt's outcome is recorded (and leaves a retry in the store).
  m->Stop();
  EXPECT_EQ(m->RunningCount(), 0);
  EXPECT_EQ(m->QueuedCount(), 0);

  EXPECT_EQ(attempts.load(), 1);
  const JobRecord r = Stored(id);
  EXPECT_EQ(r.status, JobStatus::kCancelled);
  EXPECT_EQ(r.retry_count, 0);
  EXPECT_NE(r.finished_at_us, 0);

  const Status second = m->Kill(id, nullptr);
  EXPECT_EQ(second.code(), StatusCode::kInvalidOperation);
  EXPECT_EQ(second.message(), "Job " + id.str() + " already finished (cancelled)");
}

TEST_F(JobManagerTest, AJobWithTheKeyOfAKilledJobWaitsForItsExecutor) {
  Gate gate;
  std::atomic<int> executing{0};
  std::atomic<int> max_executing{0};
  auto m = NewManager(Options(/*max_concurrent=*/2));
  m->RegisterExecutor(JobType::kFlush, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    const int now = ++executing;
    max_executing = std::max(max_executing.load(), now);
    gate.Wait();  // ignores the cancel flag for a while, as a slow executor would
    --executing;
    return JobOutcome::Completed("done");
  });
  m->RegisterExecutor(JobType::kRetention, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Completed("done");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId first = SubmitNew(*m, JobType::kFlush, "flush:app.t");
  ASSERT_TRUE(WaitForStatus(first, JobStatus::kRunning));
  ASSERT_TRUE(m->Kill(first, nullptr).ok());

  const JobId second = SubmitNew(*m, JobType::kFlush, "flush:app.t");
  EXPECT_NE(second, first);
  // The free worker takes a job queued after `second` (the queue is FIFO): it has passed
  // `second` over, as the busy key says it must.
  const JobId later = SubmitNew(*m, JobType::kRetention, "retention:app.other");
  ASSERT_TRUE(WaitForStatus(later, JobStatus::kCompleted));
  EXPECT_EQ(Stored(second).status, JobStatus::kQueued);
  EXPECT_EQ(executing.load(), 1);

  gate.Open();
  ASSERT_TRUE(WaitForStatus(second, JobStatus::kCompleted));
  EXPECT_EQ(max_executing.load(), 1);
  EXPECT_EQ(Stored(first).status, JobStatus::kCancelled);
}

TEST_F(JobManagerTest, KillOfAFinishedOrUnknownJobFails) {
  auto m = NewManager(Options());
  m->RegisterExecutor(JobType::kFlush, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Completed("Flushed 0 row(s) to 0 file(s)");
  });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));

  std::string message = "untouched";
  Status s = m->Kill(id, &message);
  EXPECT_EQ(s.code(), StatusCode::kInvalidOperation);
  EXPECT_EQ(s.message(), "Job " + id.str() + " already finished (completed)");
  EXPECT_EQ(message, "untouched");

  s = m->Kill(JobId("FL-000000000000"), &message);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "Job 'FL-000000000000' not found");
}

TEST_F(JobManagerTest, StartRecoversJobsInterruptedByACrash) {
  const int64_t t0 = NowMicros() - 1'000'000;
  JobRecord running;  // a flush that was running when the process died
  running.id = JobId("FL-00000000000a");
  running.type = JobType::kFlush;
  running.status = JobStatus::kRunning;
  running.parameters_json = R"({"table_id":"app.t"})";
  running.idempotency_key = "flush:app.t";
  running.created_at_us = running.updated_at_us = running.started_at_us = t0;
  JobRecord retrying = running;  // a retention waiting out a backoff
  retrying.id = JobId("RT-00000000000b");
  retrying.type = JobType::kRetention;
  retrying.status = JobStatus::kRetrying;
  retrying.idempotency_key = "";
  retrying.created_at_us = t0 + 1;
  JobRecord backup = running;  // not idempotent: failed, not re-run
  backup.id = JobId("BK-00000000000c");
  backup.type = JobType::kBackup;
  backup.status = JobStatus::kQueued;
  backup.idempotency_key = "backup:app";
  backup.created_at_us = t0 + 2;
  JobRecord done = running;  // finished: left alone
  done.id = JobId("FL-00000000000d");
  done.status = JobStatus::kCompleted;
  done.message = "Flushed 1 row(s) to 1 file(s)";
  done.created_at_us = t0 + 3;
  for (const JobRecord& r : {running, retrying, backup, done}) ASSERT_TRUE(repo_->Put(r).ok());

  std::mutex mu;
  std::vector<JobRecord> ran;
  auto m = NewManager(Options());
  auto record = [&](const JobRecord& job, const std::atomic<bool>&) -> Result<JobOutcome> {
    std::lock_guard<std::mutex> lock(mu);
    ran.push_back(job);
    return JobOutcome::Completed("Flushed 2 row(s) to 1 file(s)");
  };
  m->RegisterExecutor(JobType::kFlush, record);
  m->RegisterExecutor(JobType::kRetention, record);
  m->RegisterExecutor(JobType::kBackup, record);
  ASSERT_TRUE(m->Start().ok());

  for (const JobRecord& old : {running, retrying, backup}) {
    const JobRecord r = Stored(old.id);
    EXPECT_EQ(r.status, JobStatus::kFailed) << old.id.str();
    EXPECT_EQ(r.message, "interrupted by a restart");
    EXPECT_GT(r.finished_at_us, t0);
  }
  EXPECT_EQ(Stored(done.id).status, JobStatus::kCompleted);
  EXPECT_EQ(Stored(done.id).message, "Flushed 1 row(s) to 1 file(s)");

  // Two new jobs (flush and retention) run; the backup is not repeated.
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return ran.size() == 2;
  }));
  ASSERT_TRUE(Eventually([&] { return m->RunningCount() == 0 && m->QueuedCount() == 0; }));
  auto listed = m->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 6u);
  std::map<JobType, JobRecord> fresh;
  for (const JobRecord& r : *listed) {
    if (r.id != running.id && r.id != retrying.id && r.id != backup.id && r.id != done.id) fresh[r.type] = r;
  }
  ASSERT_EQ(fresh.size(), 2u);
  ASSERT_TRUE(fresh.count(JobType::kFlush));
  const JobRecord& flush = fresh[JobType::kFlush];
  EXPECT_TRUE(std::regex_match(flush.id.str(), std::regex("^FL-[0-9a-f]{12}$")));
  ASSERT_TRUE(WaitForStatus(flush.id, JobStatus::kCompleted));
  EXPECT_EQ(Stored(flush.id).idempotency_key, "flush:app.t");
  EXPECT_EQ(Stored(flush.id).parameters_json, R"({"table_id":"app.t"})");
  EXPECT_EQ(Stored(flush.id).message, "Flushed 2 row(s) to 1 file(s)");
  ASSERT_TRUE(fresh.count(JobType::kRetention));
  EXPECT_TRUE(WaitForStatus(fresh[JobType::kRetention].id, JobStatus::kCompleted));
  std::lock_guard<std::mutex> lock(mu);
  for (const JobRecord& r : ran) EXPECT_NE(r.type, JobType::kBackup);
}

TEST_F(JobManagerTest, StopWaitsForRunningJobsAndLeavesQueuedOnesForTheNextStart) {
  std::atomic<int> started{0};
  std::atomic<bool> finished{false};
  Gate gate;
  JobId queued;
  {
    auto m = NewManager(Options(/*max_concurrent=*/1));
    m->RegisterExecutor(JobType::kFlush, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
      ++started;
      gate.Wait();
      finished = true;
      return JobOutcome::Completed("Flushed 5 row(s) to 1 file(s)");
    });
    ASSERT_TRUE(m->Start().ok());
    const JobId running = SubmitNew(*m, JobType::kFlush, "flush:app.a");
    queued = SubmitNew(*m, JobType::kFlush, "flush:app.b");
    ASSERT_TRUE(WaitForStatus(running, JobStatus::kRunning));

    // The job finishes only once Stop() has begun (it then refuses submissions).
    std::thread opener([&] {
      EXPECT_TRUE(Eventually([&] { return !m->Submit(JobType::kFlush, "flush:app.a", "{}").ok(); }));
      gate.Open();
    });
    m->Stop();
    opener.join();
    EXPECT_TRUE(finished.load());
    EXPECT_EQ(Stored(running).status, JobStatus::kCompleted);
    EXPECT_EQ(Stored(running).message, "Flushed 5 row(s) to 1 file(s)");
    EXPECT_EQ(started.load(), 1);
    EXPECT_EQ(Stored(queued).status, JobStatus::kQueued);

    auto refused = m->Submit(JobType::kFlush, "flush:app.c", "{}");
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidOperation);
    EXPECT_EQ(m->Start().code(), StatusCode::kInvalidOperation);
    m->Stop();  // idempotent
  }

  auto next = NewManager(Options());
  std::atomic<int> reran{0};
  next->RegisterExecutor(JobType::kFlush, [&](const JobRecord& job, const std::atomic<bool>&) -> Result<JobOutcome> {
    if (job.idempotency_key == "flush:app.b") ++reran;
    return JobOutcome::Completed("done");
  });
  ASSERT_TRUE(next->Start().ok());
  EXPECT_EQ(Stored(queued).status, JobStatus::kFailed);
  EXPECT_EQ(Stored(queued).message, "interrupted by a restart");
  ASSERT_TRUE(Eventually([&] { return reran.load() == 1; }));
}

TEST_F(JobManagerTest, StopCancelsJobsStillRunningAfterTheTimeout) {
  JobManagerOptions options = Options(/*max_concurrent=*/1);
  options.shutdown_timeout_secs = 0;
  auto m = NewManager(options);
  m->RegisterExecutor(JobType::kFlush,
                      [&](const JobRecord&, const std::atomic<bool>& cancelled) -> Result<JobOutcome> {
                        while (!cancelled.load()) std::this_thread::sleep_for(1ms);
                        return Status::InvalidOperation("cancelled");
                      });
  ASSERT_TRUE(m->Start().ok());
  const JobId id = SubmitNew(*m, JobType::kFlush);
  ASSERT_TRUE(WaitForStatus(id, JobStatus::kRunning));
  m->Stop();
  const JobRecord r = Stored(id);
  EXPECT_EQ(r.status, JobStatus::kCancelled);
  EXPECT_EQ(r.message, "Cancelled at shutdown");
  EXPECT_EQ(r.retry_count, 0);
}

TEST_F(JobManagerTest, SubmitNeedsAStartedManagerAndAnExecutor) {
  auto m = NewManager(Options());
  m->RegisterExecutor(JobType::kFlush, [](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    return JobOutcome::Completed("done");
  });
  EXPECT_EQ(m->Submit(JobType::kFlush, "", "{}").status().code(), StatusCode::kInvalidOperation);
  ASSERT_TRUE(m->Start().ok());
  EXPECT_EQ(m->Start().code(), StatusCode::kInvalidOperation);
  auto unsupported = m->Submit(JobType::kBackup, "", "{}");
  EXPECT_EQ(unsupported.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(unsupported.status().message(), HasSubstr("Not supported yet: "));
  auto listed = m->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(JobManagerTest, ManySubmittersFromManyThreads) {
  std::atomic<int> runs{0};
  auto m = NewManager(Options(/*max_concurrent=*/3));
  m->RegisterExecutor(JobType::kStreamEviction, [&](const JobRecord&, const std::atomic<bool>&) -> Result<JobOutcome> {
    ++runs;
    return JobOutcome::Completed("Evicted 0 row(s)");
  });
  ASSERT_TRUE(m->Start().ok());
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<JobId> ids;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto s = m->Submit(JobType::kStreamEviction, "", "{}");
        ASSERT_TRUE(s.ok());
        std::lock_guard<std::mutex> lock(mu);
        ids.push_back(s->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(Eventually([&] { return runs.load() == 100; }));
  for (const JobId& id : ids) ASSERT_TRUE(WaitForStatus(id, JobStatus::kCompleted));
  EXPECT_TRUE(m->LastPersistError().ok());
}

}  // namespace
}  // namespace kalam::jobs
