#include "kalam/filestore/disk_usage.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace kalam::filestore {
namespace {

void WriteBytes(const std::string& path, size_t n) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << std::string(n, 'x');
}

TEST(DiskUsageTest, CountsParquetFilesOnly) {
  TestTempDir dir;
  WriteBytes(dir.Sub("app/messages/alice/batch-0.parquet"), 100);
  WriteBytes(dir.Sub("app/messages/bob/batch-0.parquet"), 50);
  WriteBytes(dir.Sub("app/messages/bob/manifest.json"), 7);
  WriteBytes(dir.Sub("app/shared/batch-0.parquet"), 1);
  EXPECT_EQ(LocalParquetBytes(dir.path()), 151u);
}

TEST(DiskUsageTest, MissingDirectoryIsZero) { EXPECT_EQ(LocalParquetBytes("/nonexistent/kalam/storage"), 0u); }

}  // namespace
}  // namespace kalam::filestore
