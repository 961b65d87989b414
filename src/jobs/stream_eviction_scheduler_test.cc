// stream_eviction jobs wired as the server wires them: the engine, the job manager with every
// executor, and the stream eviction scheduler driven by RunOnce.
#include "kalam/jobs/stream_eviction_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine_jobs_test_fixture.h"
#include "kalam/commons/clock.h"

namespace kalam::jobs {
namespace {

using ::testing::MatchesRegex;

class StreamEvictionSchedulerTest : public EngineJobsTest {};

TEST_F(StreamEvictionSchedulerTest, QueuesAJobOnlyWhileRowsAreBuffered) {
  // A long interval: only RunOnce queues anything here.
  StreamEvictionScheduler scheduler(engine_->maintenance(), *manager_, std::chrono::hours(1));
  auto idle = scheduler.RunOnce();
  ASSERT_TRUE(idle.ok());
  EXPECT_FALSE(*idle);
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE STREAM TABLE app.typing (who TEXT) TTL 3600");
  Run(*root_, "INSERT INTO app.typing VALUES ('root')");
  auto queued = scheduler.RunOnce();
  ASSERT_TRUE(queued.ok());
  EXPECT_TRUE(*queued);
  auto jobs = manager_->List();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  const JobRecord& job = jobs->front();
  EXPECT_EQ(job.type, JobType::kStreamEviction);
  EXPECT_THAT(job.id.str(), MatchesRegex("SE-[0-9a-f]{12}"));
  // Nothing has expired: the job completes having freed nothing, and the row stays.
  EXPECT_EQ(WaitForJob(job.id.str()), "completed: Evicted 0 expired row(s) (0 bytes) and freed 0 empty buffer(s)");
  EXPECT_EQ(engine_->maintenance().StreamRowsBuffered(), 1u);
}

TEST_F(StreamEvictionSchedulerTest, TheJobFreesExpiredRowsAndEmptyBuffers) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE STREAM TABLE app.typing (who TEXT) TTL 1");
  Run(*root_, "INSERT INTO app.typing VALUES ('a'), ('b')");
  // The job judges expiry at the time it is given: two seconds from now, both rows are past
  // their one-second TTL.
  auto outcome = engine_->maintenance().RunJob(JobType::kStreamEviction, "{}", NowMicros() + 2'000'000);
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(outcome->message,
              MatchesRegex("Evicted 2 expired row\\(s\\) \\([0-9]+ bytes\\) and freed 1 empty buffer\\(s\\)"));
  EXPECT_EQ(engine_->maintenance().StreamRowsBuffered(), 0u);
}

}  // namespace
}  // namespace kalam::jobs
