#include "kalam/filestore/file_digest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "kalam/filestore/local_file_backend.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

constexpr std::string_view kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(FileDigestTest, KnownDigest) {
  EXPECT_EQ(DigestBytes("abc").sha256, kAbcSha256);
  EXPECT_EQ(DigestBytes("abc").size, 3u);
}

TEST(FileDigestTest, CopyDigestsWhatItCopies) {
  TestTempDir dir;
  const std::string source = dir.Sub("source.bin");
  std::string bytes(3 * 1024 * 1024 + 17, '\0');  // several read chunks
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31);
  std::ofstream(source, std::ios::binary) << bytes;

  auto files = LocalFileBackend::Open(dir.Sub("target"));
  ASSERT_TRUE(files.ok());
  auto copied = CopyLocalFileInto(source, **files, "a/b/batch-0.parquet");
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(*copied, DigestBytes(bytes));
  auto read = (*files)->Read("a/b/batch-0.parquet");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value(), bytes);
  auto tmp = (*files)->Exists("a/b/batch-0.parquet.tmp");
  ASSERT_TRUE(tmp.ok());
  EXPECT_FALSE(tmp.value());
  auto again = DigestLocalFile((*files)->AbsolutePath("a/b/batch-0.parquet"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *copied);
}

TEST(FileDigestTest, UnsyncedWritesThenSyncOfTheWrittenFiles) {
  TestTempDir dir;
  const std::string source = dir.Sub("source.bin");
  std::ofstream(source, std::ios::binary) << "abc";
  auto files = LocalFileBackend::Open(dir.Sub("target"));
  ASSERT_TRUE(files.ok());
  auto copied = CopyLocalFileInto(source, **files, "x/batch-0.parquet", /*durable=*/false);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->sha256, kAbcSha256);
  ASSERT_TRUE(WriteLocalFileUnsynced(**files, "x/manifest.json", "{}").ok());
  const Status synced = SyncWrittenFiles(**files, {"x/batch-0.parquet", "x/manifest.json"});
  ASSERT_TRUE(synced.ok()) << synced.ToString();
  auto manifest = (*files)->Read("x/manifest.json");
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest.value(), "{}");
  EXPECT_EQ(SyncWrittenFiles(**files, {"x/none.parquet"}).code(), StatusCode::kNotFound);
}

TEST(FileDigestTest, MissingSourceIsNotFound) {
  TestTempDir dir;
  EXPECT_EQ(DigestLocalFile(dir.Sub("none")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace kalam::filestore
