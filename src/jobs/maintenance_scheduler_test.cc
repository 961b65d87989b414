// cleanup, retention and user_cleanup jobs wired as the server wires them: the engine, the
// job manager with every executor, and the maintenance scheduler.
#include "kalam/jobs/maintenance_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "engine_jobs_test_fixture.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/manual_clock.h"

namespace kalam::jobs {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

class MaintenanceSchedulerTest : public EngineJobsTest {
 protected:
  // The newest job of `type` in the store.
  std::optional<JobRecord> Latest(JobType type) {
    auto all = manager_->List();
    if (!all.ok()) return std::nullopt;
    for (const JobRecord& job : *all) {
      if (job.type == type) return job;
    }
    return std::nullopt;
  }
};

TEST_F(MaintenanceSchedulerTest, DropTableRunsACleanupJob) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE SHARED TABLE app.s (v INT)");
  Run(*root_, "INSERT INTO app.s VALUES (1)");
  const std::string flush = Run(*root_, "FLUSH TABLE app.s").message;
  ASSERT_EQ(WaitForJob(flush.substr(flush.find("FL-"))), "completed: Flushed 1 row(s) to 1 file(s)");
  const std::string message = Run(*root_, "DROP TABLE app.s").message;
  ASSERT_THAT(message, MatchesRegex("Table app\\.s dropped successfully\\. Cleanup job: CL-[0-9a-f]{12}"));
  EXPECT_EQ(WaitForJob(message.substr(message.find("CL-"))), "completed: Removed files of table app.s");
  auto job = Latest(JobType::kCleanup);
  ASSERT_TRUE(job.has_value());
  EXPECT_THAT(job->idempotency_key, StartsWith("cleanup:app.s#"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "storage" / "app" / "s"));
  EXPECT_EQ(Run(*root_, "DROP NAMESPACE app").message, "Namespace 'app' dropped successfully");
}

TEST_F(MaintenanceSchedulerTest, RetentionAndUserCleanupAreQueuedOnce) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE SHARED TABLE app.t (id INT PRIMARY KEY) WITH (DELETED_RETENTION_HOURS = 0)");
  Run(*root_, "CREATE USER TABLE app.u (id INT PRIMARY KEY)");
  Run(*root_, "INSERT INTO app.t VALUES (1), (2)");
  Run(*root_, "DELETE FROM app.t WHERE id = 1");
  Run(*root_, "CREATE USER 'zed' WITH PASSWORD 'Secret123!' ROLE 'user'");
  auto zed = engine_->CreateSession(UserId("zed"), Role::kUser);
  Run(*zed, "INSERT INTO app.u VALUES (5)");
  Run(*root_, "DROP USER 'zed'");
  engine_->maintenance().SetUserDeletionGracePeriodDays(0);
  // A grace period of 0 days has passed once the scheduler's clock is past the deletion.
  ManualClock clock;
  clock.Advance(std::chrono::seconds(1));

  MaintenanceScheduler scheduler(engine_->maintenance(), *manager_, std::chrono::hours(1), clock);
  auto queued = scheduler.RunOnce();
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(*queued, 2u);
  auto retention = Latest(JobType::kRetention);
  ASSERT_TRUE(retention.has_value());
  EXPECT_EQ(retention->idempotency_key, "retention:app.t");
  EXPECT_EQ(WaitForJob(retention->id.str()), "completed: Purged 1 tombstone(s) older than 0 hour(s) (1 hot, 0 cold; 0 segment(s) rewritten)");
  auto cleanup = Latest(JobType::kUserCleanup);
  ASSERT_TRUE(cleanup.has_value());
  EXPECT_EQ(cleanup->idempotency_key, "user_cleanup:zed");
  EXPECT_EQ(WaitForJob(cleanup->id.str()), "completed: Purged user 'zed' and its rows in 1 table(s)");
  // Nothing left to do: nothing queued.
  EXPECT_EQ(scheduler.RunOnce().value(), 0u);
  // The scheduler's own thread runs the same check: a new tombstone is purged with no RunOnce.
  Run(*root_, "DELETE FROM app.t WHERE id = 2");
  MaintenanceScheduler periodic(engine_->maintenance(), *manager_, std::chrono::hours(1), clock);
  periodic.Start();
  std::optional<JobRecord> next;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    clock.Advance(std::chrono::hours(1));  // every poll: the thread may not have taken its first deadline yet
    next = Latest(JobType::kRetention);
    if (next && next->id != retention->id) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  periodic.Stop();
  ASSERT_TRUE(next && next->id != retention->id) << "the scheduler's thread queued no retention job";
  EXPECT_EQ(WaitForJob(next->id.str()), "completed: Purged 1 tombstone(s) older than 0 hour(s) (1 hot, 0 cold; 0 segment(s) rewritten)");
}

TEST_F(MaintenanceSchedulerTest, CompactionIsQueuedForScopesOverTheSegmentLimit) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE USER TABLE app.m (id INT PRIMARY KEY, v TEXT)");
  core::Session& alice = SessionFor("alice", Role::kUser);
  core::Session& bob = SessionFor("bob", Role::kUser);
  auto count = [&](core::Session& s) {
    auto result = Run(s, "SELECT count(*) FROM app.m");
    for (auto& chunk : result.rows->Chunks()) return chunk.GetValue(0, 0).ToString();
    return std::string();
  };
  // One past the default limit of 16 segments for alice, two for bob.
  for (int i = 0; i < 17; ++i) {
    Run(alice, "INSERT INTO app.m VALUES (" + std::to_string(i) + ", 'a')");
    if (i < 2) Run(bob, "INSERT INTO app.m VALUES (" + std::to_string(i) + ", 'b')");
    const std::string flush = Run(*root_, "FLUSH TABLE app.m").message;
    ASSERT_THAT(WaitForJob(flush.substr(flush.find("FL-"))), StartsWith("completed: Flushed"));
  }
  MaintenanceScheduler scheduler(engine_->maintenance(), *manager_, std::chrono::hours(1));
  auto queued = scheduler.RunOnce();
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(*queued, 1u);
  auto job = Latest(JobType::kCompact);
  ASSERT_TRUE(job.has_value());
  EXPECT_THAT(job->id.str(), MatchesRegex("CO-[0-9a-f]{12}"));
  EXPECT_EQ(job->idempotency_key, "compact:app.m");
  EXPECT_EQ(job->parameters_json, R"({"table_id":"app.m","min_segments":17})");
  // Only alice's scope is over the limit; bob's two segments stay as they are.
  EXPECT_EQ(WaitForJob(job->id.str()),
            "completed: Compacted 17 segment(s) into 1 in 1 scope(s); dropped 0 superseded version(s), purged 0 old "
            "tombstone(s)");
  EXPECT_EQ(count(alice), "17");
  EXPECT_EQ(scheduler.RunOnce().value(), 0u);
  // STORAGE COMPACT queues the same kind of job for every scope with two or more segments.
  const std::string message = Run(*root_, "STORAGE COMPACT TABLE app.m").message;
  ASSERT_THAT(message, MatchesRegex("Storage compaction started for table 'app\\.m'\\. Job ID: CO-[0-9a-f]{12}"));
  EXPECT_THAT(WaitForJob(message.substr(message.find("CO-"))),
              StartsWith("completed: Compacted 2 segment(s) into 1 in 1 scope(s)"));
  EXPECT_EQ(count(bob), "2");
  EXPECT_EQ(Run(*root_, "STORAGE COMPACT ALL").message, "Storage compaction skipped: nothing to compact");
}

}  // namespace
}  // namespace kalam::jobs
