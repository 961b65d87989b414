#include "kalam/filestore/table_files.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/filestore/local_file_backend.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

namespace fs = std::filesystem;

using ::testing::UnorderedElementsAre;

void Touch(const std::string& abs) {
  fs::create_directories(fs::path(abs).parent_path());
  std::ofstream(abs) << "x";
}

TEST(TableFilesTest, NamesKalamDbWrites) {
  for (const char* name : {"manifest.json", "batch-0.parquet", "batch-12.parquet", "batch-3.parquet.tmp",
                           ".manifest.json.123-45-6.tmp", ".batch-7.parquet.123-45-6.tmp"}) {
    EXPECT_TRUE(IsTableFileName(name)) << name;
  }
  for (const char* name : {"notes.txt", "manifest.json.bak", "batch-01.parquet", "batch-x.parquet", "data.parquet",
                           "my.tmp", ".hidden", ".notes.txt.1.tmp", "batch-1.parquet.old"}) {
    EXPECT_FALSE(IsTableFileName(name)) << name;
  }
}

TEST(TableFilesTest, RemovesOnlyWhatKalamDbWroteAndTheDirectoriesLeftEmpty) {
  TestTempDir tmp;
  LocalFileBackend files(tmp.path());
  // A USER table's directory: two users' segments and manifests, and an operator's files.
  for (const char* rel : {"app/t/alice/manifest.json", "app/t/alice/batch-0.parquet", "app/t/alice/batch-1.parquet.tmp",
                          "app/t/bob/manifest.json", "app/t/bob/batch-0.parquet", "app/t/bob/notes.txt",
                          "app/t/README", "app/t/empty-but-foreign/keep.me", "app/other/batch-0.parquet",
                          "keep-at-base.txt"}) {
    Touch(tmp.Sub(rel));
  }
  fs::create_directories(tmp.Sub("app/t/carol"));
  fs::create_symlink(tmp.Sub("keep-at-base.txt"), tmp.Sub("app/t/alice/link"));

  std::vector<std::string> kept;
  ASSERT_TRUE(DeleteTableFiles(files, "app/t", &kept).ok());
  EXPECT_THAT(kept, UnorderedElementsAre("app/t/bob/notes.txt", "app/t/README", "app/t/empty-but-foreign/keep.me"));
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t/alice/manifest.json")));
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t/alice/batch-0.parquet")));
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t/alice/batch-1.parquet.tmp")));
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t/bob/batch-0.parquet")));
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t/carol")));  // empty: removed
  // The link is neither ours nor followed; it keeps its directory.
  EXPECT_TRUE(fs::is_symlink(tmp.Sub("app/t/alice/link")));
  EXPECT_TRUE(fs::exists(tmp.Sub("keep-at-base.txt")));
  EXPECT_TRUE(fs::exists(tmp.Sub("app/t/bob/notes.txt")));
  EXPECT_TRUE(fs::exists(tmp.Sub("app/t/README")));
  EXPECT_TRUE(fs::exists(tmp.Sub("app/t/empty-but-foreign/keep.me")));
  EXPECT_TRUE(fs::exists(tmp.Sub("app/other/batch-0.parquet")));  // another table's

  // Once the foreign files are gone the whole tree goes.
  fs::remove(tmp.Sub("app/t/bob/notes.txt"));
  fs::remove(tmp.Sub("app/t/README"));
  fs::remove(tmp.Sub("app/t/empty-but-foreign/keep.me"));
  fs::remove(tmp.Sub("app/t/alice/link"));
  ASSERT_TRUE(DeleteTableFiles(files, "app/t").ok());
  EXPECT_FALSE(fs::exists(tmp.Sub("app/t")));
  EXPECT_TRUE(fs::exists(tmp.Sub("app")));
}

TEST(TableFilesTest, MissingDirectoryIsOkAndTheBaseIsRefused) {
  TestTempDir tmp;
  LocalFileBackend files(tmp.path());
  EXPECT_TRUE(DeleteTableFiles(files, "no/such/dir").ok());
  EXPECT_EQ(DeleteTableFiles(files, "").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::exists(tmp.path()));
}

}  // namespace
}  // namespace kalam::filestore
