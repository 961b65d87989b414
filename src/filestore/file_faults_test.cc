// Storage failures of the cold tier's files, injected through the filestore failpoints into
// the real local filesystem: a full disk or a failing fsync while a manifest is saved, and a
// failing fsync of a written Parquet segment. The previous file stays valid, no temp file is
// left behind, and the same write succeeds once the fault is gone.
#include <cerrno>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/failpoint.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/manifest.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FileFaultsTest : public ::testing::Test {
 protected:
  void TearDown() override { DisarmAllFailpoints(); }

  Manifest OneSegment(int64_t n) {
    Manifest m;
    m.table_id = "app.t";
    m.user_id = "alice";
    Segment s;
    s.id = SegmentId(n);
    s.path = SegmentFileName(n);
    s.min_seq = 1;
    s.max_seq = 2;
    s.row_count = 2;
    m.segments.push_back(s);
    return m;
  }

  TestTempDir dir_;
  LocalFileBackend files_{dir_.path()};
};

TEST_F(FileFaultsTest, FullDiskWhileSavingAManifestKeepsThePreviousOne) {
  Manifest first = OneSegment(0);
  ASSERT_TRUE(SaveManifest(files_, "app/t/alice", first).ok());
  ArmFailpoint(Failpoint::kFilestoreWrite, ENOSPC, "manifest.json");

  Manifest second = first;
  second.segments.push_back(OneSegment(1).segments[0]);
  const Status failed = SaveManifest(files_, "app/t/alice", second);
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("manifest.json': No space left on device"));
  EXPECT_EQ(second.version, first.version) << "a failed save leaves the manifest as it was";

  auto loaded = LoadManifest(files_, "app/t/alice");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, first);
  EXPECT_THAT(files_.List("app/t/alice").value(), ElementsAre("manifest.json")) << "no temp file left";

  DisarmFailpoint(Failpoint::kFilestoreWrite);
  ASSERT_TRUE(SaveManifest(files_, "app/t/alice", second).ok());
  EXPECT_EQ(LoadManifest(files_, "app/t/alice")->segments.size(), 2u);
}

TEST_F(FileFaultsTest, FailedFsyncWhileSavingAManifestKeepsThePreviousOne) {
  Manifest first = OneSegment(0);
  ASSERT_TRUE(SaveManifest(files_, "app/t/alice", first).ok());
  const uint64_t hits = FailpointHits(Failpoint::kFilestoreSync);
  ArmFailpoint(Failpoint::kFilestoreSync, EIO, "manifest.json");

  Manifest second = first;
  second.segments.clear();
  const Status failed = SaveManifest(files_, "app/t/alice", second);
  EXPECT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
  EXPECT_THAT(failed.message(), HasSubstr("Input/output error"));
  EXPECT_EQ(FailpointHits(Failpoint::kFilestoreSync), hits + 1);
  EXPECT_EQ(LoadManifest(files_, "app/t/alice").value(), first);
  EXPECT_THAT(files_.List("app/t/alice").value(), ElementsAre("manifest.json"));

  DisarmFailpoint(Failpoint::kFilestoreSync);
  ASSERT_TRUE(SaveManifest(files_, "app/t/alice", second).ok());
  EXPECT_TRUE(LoadManifest(files_, "app/t/alice")->segments.empty());
}

TEST_F(FileFaultsTest, FailedFsyncOfASegmentFailsOnlyThatFile) {
  ASSERT_TRUE(files_.WriteAtomic("app/t/batch-0.parquet.tmp", "PAR1").ok());
  ArmFailpoint(Failpoint::kFilestoreSync, ENOSPC, ".parquet");

  const Status failed = files_.SyncFile("app/t/batch-0.parquet.tmp");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_EQ(failed.message(), "cannot sync 'app/t/batch-0.parquet.tmp': No space left on device");
  // The filter keeps other files working.
  EXPECT_TRUE(files_.WriteAtomic("app/t/manifest.json", "{}").ok());

  DisarmFailpoint(Failpoint::kFilestoreSync);
  EXPECT_TRUE(files_.SyncFile("app/t/batch-0.parquet.tmp").ok());
}

TEST_F(FileFaultsTest, WriteFailpointOfAnExternalWriterNamesThePath) {
  EXPECT_TRUE(CheckWriteFailpoint(Failpoint::kParquetWrite, "app/t/batch-3.parquet.tmp").ok());
  ArmFailpoint(Failpoint::kParquetWrite, ENOSPC);
  const Status failed = CheckWriteFailpoint(Failpoint::kParquetWrite, "app/t/batch-3.parquet.tmp");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_EQ(failed.message(), "cannot write 'app/t/batch-3.parquet.tmp': No space left on device");
}

}  // namespace
}  // namespace kalam::filestore
