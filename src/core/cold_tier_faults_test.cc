// Storage failures while the cold tier flushes, through the engine (embedded: FLUSH runs
// inline) over real RocksDB and real Parquet files, injected with the storage failpoints
// (kalam/commons/failpoint.h). A failed flush answers a clear error and leaves every row in
// the hot tier; a failed manifest save leaves the previous manifest valid; once the fault is
// gone the next flush succeeds and every row is present exactly once.
#include <cerrno>
#include <filesystem>

#include "engine_test_util.h"
#include "kalam/commons/failpoint.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class ColdTierFaultsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
  }
  void TearDown() override {
    DisarmAllFailpoints();
    EngineFixture::TearDown();
  }

  std::string TableDir() const { return dir_.path() + "/storage/app/s"; }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    if (!std::filesystem::exists(TableDir())) return names;
    for (const auto& e : std::filesystem::directory_iterator(TableDir())) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  void Insert(int from, int to) {
    for (int i = from; i < to; ++i) Run(Root(), "INSERT INTO app.s VALUES (" + std::to_string(i) + ", 'v')");
  }
  // Every id in [0, n) exactly once, and nothing else.
  void ExpectRowsExactlyOnce(int n) {
    auto ids = Query(Root(), "SELECT id FROM app.s ORDER BY id");
    ASSERT_EQ(ids.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(ids[i], std::to_string(i));
  }
  // SHOW STATS's hot and cold row counts, "hot|cold".
  std::string HotAndCold() {
    auto stats = Query(Root(), "SHOW STATS FOR TABLE app.s");
    EXPECT_EQ(stats.size(), 1u);
    std::vector<std::string> cells;
    std::stringstream in(stats.empty() ? "" : stats[0]);
    for (std::string cell; std::getline(in, cell, '|');) cells.push_back(cell);
    return cells.size() > 5 ? cells[4] + "|" + cells[5] : "";
  }
};

TEST_F(ColdTierFaultsTest, FullDiskWhileWritingParquetKeepsTheRowsHot) {
  Insert(0, 5);
  ArmFailpoint(Failpoint::kParquetWrite, ENOSPC);
  const Status failed = Fail(Root(), "FLUSH TABLE app.s");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("Flush of table 'app.s' failed"));
  EXPECT_THAT(failed.message(), HasSubstr("No space left on device"));
  ExpectRowsExactlyOnce(5);
  EXPECT_EQ(HotAndCold(), "5|0");

  DisarmFailpoint(Failpoint::kParquetWrite);
  EXPECT_THAT(Run(Root(), "FLUSH TABLE app.s").message, HasSubstr("Flushed 5 row(s) to 1 file(s)"));
  ExpectRowsExactlyOnce(5);
  EXPECT_EQ(HotAndCold(), "0|5");
}

TEST_F(ColdTierFaultsTest, FailedFsyncOfASegmentKeepsTheRowsHotAndItsFileIsCleanedUp) {
  Insert(0, 5);
  ArmFailpoint(Failpoint::kFilestoreSync, EIO, ".parquet");
  const Status failed = Fail(Root(), "FLUSH TABLE app.s");
  EXPECT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("Flush of table 'app.s' failed; its rows stay in the hot tier"));
  EXPECT_THAT(failed.message(), HasSubstr("cannot sync 'app/s/batch-0.parquet.tmp': Input/output error"));
  ExpectRowsExactlyOnce(5);
  EXPECT_THAT(Files(), ElementsAre("batch-0.parquet.tmp"));

  DisarmFailpoint(Failpoint::kFilestoreSync);
  Insert(5, 8);
  EXPECT_THAT(Run(Root(), "FLUSH TABLE app.s").message, HasSubstr("Flushed 8 row(s) to 1 file(s)"));
  EXPECT_THAT(Files(), ElementsAre("batch-0.parquet", "manifest.json"));
  ExpectRowsExactlyOnce(8);
  EXPECT_EQ(HotAndCold(), "0|8");
}

TEST_F(ColdTierFaultsTest, FailedManifestSaveLeavesThePreviousManifestValid) {
  Insert(0, 3);
  EXPECT_THAT(Run(Root(), "FLUSH TABLE app.s").message, HasSubstr("Flushed 3 row(s)"));
  Insert(3, 6);
  ArmFailpoint(Failpoint::kFilestoreWrite, ENOSPC, "manifest.json");
  const Status failed = Fail(Root(), "FLUSH TABLE app.s");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("cannot write 'app/s/manifest.json': No space left on device"));
  // The segment written before the manifest save is not committed: readers see the old
  // manifest's segment plus the hot rows, each row once.
  EXPECT_THAT(Files(), ElementsAre("batch-0.parquet", "batch-1.parquet", "manifest.json"));
  ExpectRowsExactlyOnce(6);
  EXPECT_EQ(HotAndCold(), "3|3");

  DisarmFailpoint(Failpoint::kFilestoreWrite);
  EXPECT_THAT(Run(Root(), "FLUSH TABLE app.s").message, HasSubstr("Flushed 3 row(s) to 1 file(s)"));
  ExpectRowsExactlyOnce(6);
  EXPECT_EQ(HotAndCold(), "0|6");
  Reopen();
  ExpectRowsExactlyOnce(6);
}

TEST_F(ColdTierFaultsTest, FailedFirstManifestSaveLosesAndDuplicatesNothing) {
  Insert(0, 4);
  ArmFailpoint(Failpoint::kFilestoreSync, EIO, "manifest.json");
  const Status failed = Fail(Root(), "FLUSH TABLE app.s");
  EXPECT_THAT(failed.message(), HasSubstr("Flush of table 'app.s' failed"));
  EXPECT_THAT(failed.message(), HasSubstr("cannot write 'app/s/manifest.json': Input/output error"));
  DisarmFailpoint(Failpoint::kFilestoreSync);
  // No manifest yet, but a segment file: reads rebuild the manifest from it, and still count
  // every row once.
  ExpectRowsExactlyOnce(4);
  Insert(4, 6);
  Run(Root(), "FLUSH TABLE app.s");
  ExpectRowsExactlyOnce(6);
  EXPECT_EQ(HotAndCold(), "0|6");
  Reopen();
  ExpectRowsExactlyOnce(6);
}

TEST_F(ColdTierFaultsTest, FullDiskWhileLoggingAnInsertRefusesItAndWritesResume) {
  Insert(0, 2);
  ArmFailpoint(Failpoint::kStoreWalAppend, ENOSPC);
  const Status failed = Fail(Root(), "INSERT INTO app.s VALUES (100, 'x')");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("No space left on device"));
  DisarmFailpoint(Failpoint::kStoreWalAppend);

  // RocksDB resumes on its own background thread; poll the observable effect.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool accepted = false;
  while (!accepted && std::chrono::steady_clock::now() < deadline) {
    accepted = engine_->Execute(Root(), "INSERT INTO app.s VALUES (2, 'v')").ok();
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(accepted);
  ExpectRowsExactlyOnce(3);
}

}  // namespace
}  // namespace kalam::core::testing
