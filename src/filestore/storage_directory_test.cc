#include "kalam/filestore/storage_directory.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace kalam::filestore {
namespace {

namespace fs = std::filesystem;

using ::testing::HasSubstr;

TEST(StorageDirectoryTest, SystemDirectoriesAreRecognisedByWholeComponents) {
  for (const char* path : {"/", "/etc", "/etc/x", "/proc/self", "/sys/kernel", "/dev", "/boot/efi", "/bin", "/sbin/x",
                           "/usr", "/usr/local/data", "/lib/x"}) {
    EXPECT_TRUE(IsSystemDirectory(path)) << path;
  }
  for (const char* path : {"/etcetera", "/usrdata", "/libraries/x", "/var/lib/kalamdb", "/home/etc", "/tmp/proc"}) {
    EXPECT_FALSE(IsSystemDirectory(path)) << path;
  }
}

// The refusals are decided on the path's text (and the links of what exists): nothing is
// created, so no test writes outside its temp dir.
TEST(StorageDirectoryTest, RefusesSystemDirectoriesHoweverSpelled) {
  TestTempDir tmp;
  const std::string dotdots = tmp.path() + "/../../../../../../../../etc/x";
  for (const std::string& path : {std::string("/etc/kalam"), dotdots, std::string("/proc/self"), std::string("/"),
                                  std::string("/usr/../usr/lib/x/"), std::string("/tmp/../sys")}) {
    auto resolved = ResolveLocalDirectory(path, "Storage directory");
    ASSERT_FALSE(resolved.ok()) << path << " -> " << *resolved;
    EXPECT_EQ(resolved.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(resolved.status().message(), HasSubstr("Storage directory '" + path + "'"));
    EXPECT_THAT(resolved.status().message(), HasSubstr("system directories"));
  }
  // The lexical form is named when it differs from what was written.
  EXPECT_THAT(ResolveLocalDirectory(dotdots, "Storage directory").status().message(), HasSubstr("(/etc/x)"));
}

TEST(StorageDirectoryTest, RefusesASymlinkIntoASystemDirectory) {
  TestTempDir tmp;
  fs::create_directory_symlink("/etc", tmp.Sub("link"));
  auto resolved = ResolveLocalDirectory(tmp.Sub("link/kalam"), "Storage directory");
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.status().message(), HasSubstr("(/etc/kalam)"));
}

TEST(StorageDirectoryTest, NormalisesOrdinaryDirectories) {
  TestTempDir tmp;
  fs::create_directories(tmp.Sub("real"));
  fs::create_directory_symlink(tmp.Sub("real"), tmp.Sub("alias"));
  EXPECT_EQ(ValueOrDie(ResolveLocalDirectory(tmp.Sub("a/./b/../c/"), "Storage directory")), tmp.Sub("a/c"));
  EXPECT_EQ(ValueOrDie(ResolveLocalDirectory(tmp.Sub("alias/new"), "Storage directory")), tmp.Sub("real/new"));
  for (const char* bad : {"", "s3://bucket/x"}) {
    EXPECT_EQ(ResolveLocalDirectory(bad, "Storage directory").status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ResolveLocalDirectory(std::string_view("/tmp/a\0b", 8), "Storage directory").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kalam::filestore
