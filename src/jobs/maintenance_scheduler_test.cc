// cleanup, retention and user_cleanup jobs wired as the server wires them: the engine, the
// job manager with every executor, and the maintenance scheduler.
#include "kalam/jobs/maintenance_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <thread>

#include "kalam/commons/clock.h"
#include "kalam/jobs/engine_executors.h"
#include "kalam/jobs/job_manager.h"
#include "kalam/system/job_repository.h"

namespace kalam::jobs {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

class MaintenanceSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kalam_maint_" + std::to_string(std::random_device{}()));
    EngineConfig config;
    config.data_path = dir_.string();
    engine_ = std::move(core::Engine::Open(config)).value();
    repo_ = std::make_unique<system::JobRepository>(engine_->backend());
    manager_ = std::make_unique<JobManager>(*repo_, JobManagerOptions{});
    RegisterEngineExecutors(*manager_, *engine_);
    ASSERT_TRUE(manager_->Start().ok());
    engine_->SetJobSubmitter(manager_.get());
    root_ = engine_->CreateSession(UserId("root"), Role::kSystem);
  }
  void TearDown() override {
    engine_->SetJobSubmitter(nullptr);
    manager_->Stop();
    root_.reset();
    manager_.reset();
    repo_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  core::StatementResult Run(core::Session& s, const std::string& sql) {
    auto outcome = engine_->Execute(s, sql);
    EXPECT_TRUE(outcome.ok()) << sql << ": " << outcome.error.ToString();
    return outcome.ok() ? std::move(outcome.results.back()) : core::StatementResult{};
  }
  std::string WaitFor(const std::string& id) {
    for (int i = 0; i < 250; ++i) {
      auto job = manager_->Get(JobId(id));
      if (job.ok() && job->has_value() && IsFinished((*job)->status)) {
        return std::string(JobStatusName((*job)->status)) + ": " + (*job)->message;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "unfinished";
  }
  // The newest job of `type` in the store.
  std::optional<JobRecord> Latest(JobType type) {
    auto all = manager_->List();
    if (!all.ok()) return std::nullopt;
    for (const JobRecord& job : *all) {
      if (job.type == type) return job;
    }
    return std::nullopt;
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::Engine> engine_;
  std::unique_ptr<system::JobRepository> repo_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<core::Session> root_;
};

TEST_F(MaintenanceSchedulerTest, DropTableRunsACleanupJob) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE SHARED TABLE app.s (v INT)");
  Run(*root_, "INSERT INTO app.s VALUES (1)");
  const std::string flush = Run(*root_, "FLUSH TABLE app.s").message;
  ASSERT_EQ(WaitFor(flush.substr(flush.find("FL-"))), "completed: Flushed 1 row(s) to 1 file(s)");
  const std::string message = Run(*root_, "DROP TABLE app.s").message;
  ASSERT_THAT(message, MatchesRegex("Table app\\.s dropped successfully\\. Cleanup job: CL-[0-9a-f]{12}"));
  EXPECT_EQ(WaitFor(message.substr(message.find("CL-"))), "completed: Removed files of table app.s");
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
  engine_->SetUserDeletionGracePeriodDays(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));

  MaintenanceScheduler scheduler(*engine_, *manager_, std::chrono::hours(1));
  auto queued = scheduler.RunOnce();
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(*queued, 2u);
  auto retention = Latest(JobType::kRetention);
  ASSERT_TRUE(retention.has_value());
  EXPECT_EQ(retention->idempotency_key, "retention:app.t");
  EXPECT_EQ(WaitFor(retention->id.str()), "completed: Purged 1 tombstone(s) older than 0 hour(s) (1 hot, 0 cold; 0 segment(s) rewritten)");
  auto cleanup = Latest(JobType::kUserCleanup);
  ASSERT_TRUE(cleanup.has_value());
  EXPECT_EQ(cleanup->idempotency_key, "user_cleanup:zed");
  EXPECT_EQ(WaitFor(cleanup->id.str()), "completed: Purged user 'zed' and its rows in 1 table(s)");
  // Nothing left to do: nothing queued.
  EXPECT_EQ(scheduler.RunOnce().value(), 0u);
  // The scheduler's thread runs the same check.
  scheduler.Start();
  scheduler.Stop();
}

}  // namespace
}  // namespace kalam::jobs
