// A compaction interrupted at each of its steps, through the engine over real RocksDB and real
// Parquet files, with the storage failpoints (kalam/commons/failpoint.h) standing in for a
// crash there: writing the merged file, syncing it, saving the manifest (the commit), and
// after the commit before the replaced files are deleted. After each, the table answers every
// query as before, also after a restart, and the next compaction or flush tidies up.
#include <cerrno>
#include <filesystem>

#include "engine_test_util.h"
#include "kalam/commons/failpoint.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CompactionFaultsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
    // Three segments; id 0 has a version in each.
    for (int round = 0; round < 3; ++round) {
      Run(Root(), "INSERT INTO app.s VALUES (" + std::to_string(round + 1) + ", 'r" + std::to_string(round) + "')");
      if (round == 0) {
        Run(Root(), "INSERT INTO app.s VALUES (0, 'first')");
      } else {
        Run(Root(), "UPDATE app.s SET v = 'r" + std::to_string(round) + "' WHERE id = 0");
      }
      Run(Root(), "FLUSH TABLE app.s");
    }
    Run(Root(), "INSERT INTO app.s VALUES (9, 'hot')");  // stays hot throughout
    expected_ = Query(Root(), "SELECT id, v FROM app.s ORDER BY id");
    ASSERT_EQ(expected_.size(), 5u);
  }
  void TearDown() override {
    DisarmAllFailpoints();
    EngineFixture::TearDown();
  }

  std::string TableDir() const { return dir_.path() + "/storage/app/s"; }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(TableDir())) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  // The table answers as before the compaction, now and after a restart.
  void ExpectUnchanged() {
    EXPECT_EQ(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), expected_);
    Reopen();
    EXPECT_EQ(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), expected_);
  }
  // With the fault healed, compaction succeeds and leaves only the merged segment.
  void ExpectCompactionRecovers(const std::string& merged) {
    EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.s").message, HasSubstr("Compacted 3 segment(s) into 1"));
    EXPECT_THAT(Files(), ElementsAre(merged, "manifest.json"));
    ExpectUnchanged();
  }

  std::vector<std::string> expected_;
};

TEST_F(CompactionFaultsTest, FullDiskWhileWritingTheMergedFile) {
  ArmFailpoint(Failpoint::kParquetWrite, ENOSPC);
  const Status failed = Fail(Root(), "STORAGE COMPACT TABLE app.s");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("No space left on device"));
  EXPECT_THAT(Files(), ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-2.parquet", "manifest.json"));
  ExpectUnchanged();
  DisarmFailpoint(Failpoint::kParquetWrite);
  ExpectCompactionRecovers("batch-3.parquet");
}

TEST_F(CompactionFaultsTest, FailedSyncOfTheMergedFileLeavesOnlyATempFile) {
  ArmFailpoint(Failpoint::kFilestoreSync, EIO, ".parquet");
  const Status failed = Fail(Root(), "STORAGE COMPACT TABLE app.s");
  EXPECT_THAT(failed.message(), HasSubstr("cannot sync 'app/s/batch-3.parquet.tmp': Input/output error"));
  EXPECT_THAT(Files(), ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-2.parquet", "batch-3.parquet.tmp",
                                   "manifest.json"));
  ExpectUnchanged();
  DisarmFailpoint(Failpoint::kFilestoreSync);
  ExpectCompactionRecovers("batch-3.parquet");
}

TEST_F(CompactionFaultsTest, FailedCommitLeavesTheOldSegmentsListed) {
  // The merged file is written and renamed; the manifest save that would commit it fails.
  ArmFailpoint(Failpoint::kFilestoreWrite, ENOSPC, "manifest.json");
  const Status failed = Fail(Root(), "STORAGE COMPACT TABLE app.s");
  EXPECT_THAT(failed.message(), HasSubstr("cannot write 'app/s/manifest.json': No space left on device"));
  EXPECT_THAT(Files(),
              ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-2.parquet", "batch-3.parquet", "manifest.json"));
  // The unlisted merged file is not read: every row once, from the listed segments.
  ExpectUnchanged();
  DisarmFailpoint(Failpoint::kFilestoreWrite);
  // The retry writes the same batch number over the leftover.
  ExpectCompactionRecovers("batch-3.parquet");
}

TEST_F(CompactionFaultsTest, CrashAfterTheCommitLeavesReplacedFilesThatNothingReads) {
  // Keep copies of the replaced files and put them back after the compaction: the state a
  // crash between the commit and their deletion leaves.
  const std::string keep = dir_.path() + "/kept";
  std::filesystem::create_directories(keep);
  for (const char* name : {"batch-0.parquet", "batch-1.parquet", "batch-2.parquet"}) {
    std::filesystem::copy_file(TableDir() + "/" + name, keep + "/" + name);
  }
  EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.s").message, HasSubstr("Compacted 3 segment(s) into 1"));
  for (const char* name : {"batch-0.parquet", "batch-1.parquet", "batch-2.parquet"}) {
    std::filesystem::copy_file(keep + "/" + name, TableDir() + "/" + name);
  }
  ExpectUnchanged();  // the manifest lists only the merged file: no row twice, none old
  // The next writer of the directory removes the leftovers.
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_THAT(Files(), ElementsAre("batch-3.parquet", "batch-4.parquet", "manifest.json"));
  ExpectUnchanged();
}

}  // namespace
}  // namespace kalam::core::testing
