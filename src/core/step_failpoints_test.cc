// The real flush and retention code stopped at each of its steps (the step failpoints of
// kalam/commons/failpoint.h, between durable effects), then the engine reopened over the
// same directory, as after a crash there. Each stop must leave every visible row as it was,
// and the next run must finish the work with each row version stored exactly once.
// tests/crash_recovery_test.cc kills the real server at the flush steps instead.
#include <cerrno>
#include <filesystem>
#include <functional>
#include <sstream>

#include "engine_test_util.h"
#include "kalam/commons/failpoint.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kHour = int64_t{3600} * 1000 * 1000;

// "flush.segment_written" -> "flush_segment_written": a test name.
std::string StepName(const ::testing::TestParamInfo<Failpoint>& info) {
  std::string name(FailpointName(info.param));
  for (char& c : name) c = c == '.' ? '_' : c;
  return name;
}

class StepFailpointsTest : public EngineFixture, public ::testing::WithParamInterface<Failpoint> {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, v TEXT) WITH (DELETED_RETENTION_HOURS = 1)");
    // Two users (two scopes), a segment each, then updates, deletes and new rows on top.
    Run(As("alice"), "INSERT INTO app.m VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')");
    Run(As("bob"), "INSERT INTO app.m VALUES (10, 'x'), (11, 'y'), (12, 'z')");
    Run(Root(), "FLUSH TABLE app.m");
    Run(As("alice"), "UPDATE app.m SET v = 'b2' WHERE id = 2");
    Run(As("alice"), "DELETE FROM app.m WHERE id = 3");
    Run(As("alice"), "INSERT INTO app.m VALUES (6, 'f')");
    Run(As("bob"), "DELETE FROM app.m WHERE id = 11");
  }
  void TearDown() override {
    DisarmAllFailpoints();
    EngineFixture::TearDown();
  }

  // What each user sees: live rows, then tombstones (which keep the last values).
  std::vector<std::string> Visible() {
    std::vector<std::string> all;
    for (const char* where : {"", " WHERE _deleted = true"}) {
      for (const char* user : {"alice", "bob"}) {
        for (auto& row : Query(As(user), std::string("SELECT id, v, _deleted FROM app.m") + where + " ORDER BY id")) {
          all.push_back(std::string(user) + ":" + row);
        }
      }
    }
    return all;
  }
  // SHOW STATS's hot and cold version counts over both users.
  std::pair<int64_t, int64_t> HotAndCold() {
    auto stats = Query(Root(), "SHOW STATS FOR TABLE app.m");
    EXPECT_EQ(stats.size(), 1u);
    std::vector<std::string> cells;
    std::stringstream in(stats.empty() ? "" : stats[0]);
    for (std::string cell; std::getline(in, cell, '|');) cells.push_back(cell);
    if (cells.size() <= 5) return {-1, -1};
    return {std::stoll(cells[4]), std::stoll(cells[5])};
  }
  // Files a finished run leaves nothing of: segments under a temp name.
  std::vector<std::string> TempFiles() const {
    std::vector<std::string> temps;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() + "/storage")) {
      if (e.path().extension() == ".tmp") temps.push_back(e.path().string());
    }
    return temps;
  }
  // Stops the next run at `point`: the run fails naming it, and the engine is reopened.
  void StopAtThenReopen(Failpoint point, const std::function<Status()>& run) {
    const uint64_t hits = FailpointHits(point);
    ArmFailpoint(point, EIO);
    const Status failed = run();
    DisarmAllFailpoints();
    ASSERT_EQ(FailpointHits(point), hits + 1) << "the run never reached " << FailpointName(point);
    EXPECT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
    EXPECT_THAT(failed.message(), HasSubstr(std::string(FailpointName(point))));
    Reopen();
  }
  Status Flush() {
    auto outcome = engine_->Execute(Root(), "FLUSH TABLE app.m");
    return outcome.ok() ? Status::Ok() : outcome.error;
  }
  Status RetentionInTwoHours() {
    auto outcome =
        engine_->maintenance().RunJob(JobType::kRetention, R"({"table_id":"app.m"})", NowMicros() + 2 * kHour);
    return outcome.ok() ? Status::Ok() : outcome.status();
  }
};

class FlushStepTest : public StepFailpointsTest {};

TEST_P(FlushStepTest, StoppedFlushLosesAndDuplicatesNothing) {
  const auto before = Visible();
  ASSERT_THAT(before, ElementsAre("alice:1|a|false", "alice:2|b2|false", "alice:4|d|false", "alice:5|e|false",
                                  "alice:6|f|false", "bob:10|x|false", "bob:12|z|false", "alice:3|c|true",
                                  "bob:11|y|true"));
  const auto [hot, cold] = HotAndCold();
  ASSERT_EQ(hot, 4);  // b2, the tombstones of 3 and 11, 6
  ASSERT_EQ(cold, 8);

  StopAtThenReopen(GetParam(), [&] { return Flush(); });
  EXPECT_EQ(Visible(), before) << "after the stop";

  // The next flush finishes the work: every version once, nothing hot, no temp file left.
  Run(Root(), "FLUSH TABLE app.m");
  EXPECT_EQ(Visible(), before) << "after the next flush";
  EXPECT_EQ(HotAndCold(), std::make_pair(int64_t{0}, hot + cold));
  EXPECT_THAT(TempFiles(), IsEmpty());
  Reopen();
  EXPECT_EQ(Visible(), before) << "after a restart";
}

INSTANTIATE_TEST_SUITE_P(EveryStep, FlushStepTest,
                         ::testing::Values(Failpoint::kFlushSegmentWritten, Failpoint::kFlushSegmentRenamed,
                                           Failpoint::kFlushManifestSaved),
                         StepName);

class RetentionStepTest : public StepFailpointsTest {};

TEST_P(RetentionStepTest, StoppedRetentionKeepsEveryLiveRow) {
  Run(Root(), "FLUSH TABLE app.m");  // the tombstones and their older versions are all in Parquet
  const auto before = Visible();
  std::vector<std::string> live;
  for (const auto& row : before) {
    if (row.find("|true") == std::string::npos) live.push_back(row);
  }
  ASSERT_EQ(live.size(), 7u);

  StopAtThenReopen(GetParam(), [&] { return RetentionInTwoHours(); });
  // Tombstones may be gone already (that is retention's job); no live row may change.
  std::vector<std::string> live_after;
  for (const auto& row : Visible()) {
    if (row.find("|true") == std::string::npos) live_after.push_back(row);
  }
  EXPECT_EQ(live_after, live) << "after the stop";

  // The next run finishes: no tombstone left, the live rows unchanged, and a flush cleans up.
  ASSERT_TRUE(RetentionInTwoHours().ok());
  EXPECT_EQ(Visible(), live);
  Run(As("alice"), "INSERT INTO app.m VALUES (7, 'g')");
  Run(Root(), "FLUSH TABLE app.m");
  EXPECT_THAT(TempFiles(), IsEmpty());
  Reopen();
  live.insert(live.begin() + 5, "alice:7|g|false");  // after alice's 6
  EXPECT_EQ(Visible(), live) << "after a restart";
}

INSTANTIATE_TEST_SUITE_P(EveryStep, RetentionStepTest,
                         ::testing::Values(Failpoint::kRetentionSegmentWritten, Failpoint::kRetentionManifestSaved),
                         StepName);

class AlterStepTest : public StepFailpointsTest {
 protected:
  Status AddColumn() {
    auto outcome = engine_->Execute(Root(), "ALTER TABLE app.m ADD COLUMN note TEXT DEFAULT 'n'");
    return outcome.ok() ? Status::Ok() : outcome.error;
  }
  // The table's own columns, as DESCRIBE lists them (system columns left out).
  std::vector<std::string> Columns() {
    std::vector<std::string> names;
    for (const std::string& row : Query(Root(), "DESCRIBE app.m")) {
      const std::string name = row.substr(0, row.find('|'));
      if (name.rfind('_', 0) != 0) names.push_back(name);
    }
    return names;
  }
};

// ALTER TABLE stores the next schema version in one batch. Stopped before it, the table keeps
// its schema; stopped after it, the restart finds the new one. Either way every row reads, hot
// and cold, and the next ALTER numbers its version after the last one stored.
TEST_P(AlterStepTest, StoppedAlterKeepsOneSchemaAndEveryRow) {
  const auto before = Visible();
  ASSERT_EQ(before.size(), 9u);
  ASSERT_THAT(Columns(), ElementsAre("id", "v"));

  StopAtThenReopen(GetParam(), [&] { return AddColumn(); });
  const bool stored = GetParam() == Failpoint::kAlterStored;
  EXPECT_EQ(Visible(), before) << "after the stop";
  if (stored) {
    EXPECT_THAT(Columns(), ElementsAre("id", "v", "note"));
    // Rows written before the column read its default, in both tiers.
    EXPECT_THAT(Query(As("alice"), "SELECT id, note FROM app.m ORDER BY id"),
                ElementsAre("1|n", "2|n", "4|n", "5|n", "6|n"));
  } else {
    EXPECT_THAT(Columns(), ElementsAre("id", "v"));
    ASSERT_TRUE(AddColumn().ok());
  }
  EXPECT_EQ(Run(Root(), "ALTER TABLE app.m ADD COLUMN extra INT").message,
            "Table app.m altered successfully (schema version 3)");
  Run(As("alice"), "INSERT INTO app.m (id, v, note, extra) VALUES (7, 'g', 'x', 1)");
  Run(Root(), "FLUSH TABLE app.m");
  Reopen();
  EXPECT_THAT(Query(As("alice"), "SELECT id, v, note, extra FROM app.m ORDER BY id"),
              ElementsAre("1|a|n|NULL", "2|b2|n|NULL", "4|d|n|NULL", "5|e|n|NULL", "6|f|n|NULL", "7|g|x|1"));
}

INSTANTIATE_TEST_SUITE_P(EveryStep, AlterStepTest,
                         ::testing::Values(Failpoint::kAlterValidated, Failpoint::kAlterStored), StepName);

}  // namespace
}  // namespace kalam::core::testing
