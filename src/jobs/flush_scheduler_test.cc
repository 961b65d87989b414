#include "kalam/jobs/flush_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "engine_jobs_test_fixture.h"
#include "kalam/commons/manual_clock.h"

namespace kalam::jobs {
namespace {

using ::testing::HasSubstr;

// The engine, the job manager and the scheduler wired as the server wires them.
class FlushSchedulerTest : public EngineJobsTest {
 protected:
  void SetUp() override {
    EngineJobsTest::SetUp();
    alice_ = &SessionFor("alice", Role::kUser);
  }
  // Cell (row 0, column c) of a row result as text.
  static std::string Cell(const core::StatementResult& result, duckdb::idx_t c) {
    if (!result.rows) return "";
    for (auto& chunk : result.rows->Chunks()) {
      if (chunk.size() > 0) return chunk.GetValue(c, 0).ToString();
    }
    return "";
  }

  core::Session* alice_ = nullptr;
};

TEST_F(FlushSchedulerTest, RowThresholdQueuesOneFlushJob) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE USER TABLE app.m (v INT) FLUSH ROW_THRESHOLD 5");
  Run(*root_, "CREATE USER TABLE app.quiet (v INT) FLUSH ROW_THRESHOLD 100");
  Run(*alice_, "INSERT INTO app.m VALUES (1), (2), (3)");
  Run(*alice_, "INSERT INTO app.quiet VALUES (1)");
  FlushScheduler scheduler(engine_->maintenance(), *manager_, std::chrono::hours(1));
  EXPECT_EQ(scheduler.RunOnce().value(), 0u);
  Run(*alice_, "INSERT INTO app.m VALUES (4), (5), (6)");
  EXPECT_EQ(scheduler.RunOnce().value(), 1u);
  // Wait for it through system.jobs, as a client would.
  std::string status;
  for (int i = 0; i < 200 && status.find("completed") == std::string::npos; ++i) {
    auto jobs = Run(*root_, "SELECT status, message FROM system.jobs WHERE job_type = 'flush'");
    status.clear();
    if (jobs.rows) {
      for (auto& chunk : jobs.rows->Chunks()) {
        for (duckdb::idx_t r = 0; r < chunk.size(); ++r) status += chunk.GetValue(0, r).ToString() + "|" + chunk.GetValue(1, r).ToString();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, "completed|Flushed 6 row(s) to 1 file(s)");
  auto stats = Run(*root_, "SHOW STATS FOR TABLE app.m");
  EXPECT_EQ(Cell(stats, 4), "0");  // hot_rows
  EXPECT_EQ(Cell(stats, 5), "6");  // cold_rows
}

TEST_F(FlushSchedulerTest, FlushStatementReturnsTheJobAndIsIdempotent) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE SHARED TABLE app.s (v INT)");
  Run(*root_, "INSERT INTO app.s VALUES (1), (2)");
  auto first = Run(*root_, "FLUSH TABLE app.s");
  EXPECT_THAT(first.message, HasSubstr("Storage flush started for table 'app.s'. Job ID: FL-"));
  const std::string id = first.message.substr(first.message.find("FL-"));
  EXPECT_EQ(WaitForJob(id), "completed: Flushed 2 row(s) to 1 file(s)");
  EXPECT_THAT(engine_->Execute(*root_, "KILL JOB '" + id + "'").error.message(), HasSubstr("already finished"));
  EXPECT_EQ(Run(*root_, "FLUSH TABLE app.s").message, "Storage flush skipped: no pending writes for table 'app.s'");
  Run(*root_, "INSERT INTO app.s VALUES (3)");
  auto all = Run(*root_, "FLUSH ALL TABLES");
  EXPECT_THAT(all.message, HasSubstr("Storage flush started for 1 table(s). Job IDs: FL-"));
}

TEST_F(FlushSchedulerTest, IntervalQueuesOldWrites) {
  Run(*root_, "CREATE NAMESPACE app");
  Run(*root_, "CREATE SHARED TABLE app.s (v INT) FLUSH INTERVAL 1s");
  Run(*root_, "INSERT INTO app.s VALUES (1)");
  // The scheduler's thread checks every minute of its clock; the test moves that clock past
  // the table's one-second interval instead of waiting for it.
  ManualClock clock;
  FlushScheduler scheduler(engine_->maintenance(), *manager_, std::chrono::minutes(1), clock);
  scheduler.Start();
  bool flushed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!flushed && std::chrono::steady_clock::now() < deadline) {
    // Advanced on every poll: the thread may not have taken its first deadline yet.
    clock.Advance(std::chrono::minutes(1));
    flushed = Cell(Run(*root_, "SHOW STATS FOR TABLE app.s"), 5) == "1";
    if (!flushed) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling
  }
  scheduler.Stop();
  EXPECT_TRUE(flushed);
}

}  // namespace
}  // namespace kalam::jobs
