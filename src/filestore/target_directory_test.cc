#include "kalam/filestore/target_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kalam/commons/temp_dir.h"

namespace kalam::filestore {
namespace {

using ::testing::HasSubstr;

TEST(TargetDirectoryTest, CreatesAnAbsentDirectoryAndAcceptsAnEmptyOne) {
  TempDir tmp;
  const std::string absent = tmp.path() + "/a/b/export";
  auto opened = OpenEmptyTargetDirectory(absent);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE(std::filesystem::is_directory(absent));
  EXPECT_TRUE((*opened)->WriteAtomic("x.txt", "hi").ok());
  std::filesystem::create_directory(tmp.path() + "/empty");
  EXPECT_TRUE(OpenEmptyTargetDirectory(tmp.path() + "/empty").ok());
}

TEST(TargetDirectoryTest, RefusesANonEmptyDirectoryOrAFile) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/file") << "x";
  auto non_empty = OpenEmptyTargetDirectory(tmp.path());
  EXPECT_EQ(non_empty.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(non_empty.status().message(), HasSubstr("is not empty"));
  auto file = OpenEmptyTargetDirectory(tmp.path() + "/file");
  EXPECT_THAT(file.status().message(), HasSubstr("is not a directory"));
}

}  // namespace
}  // namespace kalam::filestore
