#include "kalam/server/data_dir_lock.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "kalam/commons/temp_dir.h"

namespace kalam::server {
namespace {

TEST(DataDirLockTest, LockFileAtTheRootIsExclusiveUntilReleased) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  auto first = DataDirLock::Acquire(data);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(data + "/LOCK"));
  // flock locks belong to the open file description: a second open in this process conflicts
  // just as another process would.
  auto second = DataDirLock::Acquire(data);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(), "data directory is locked");
  first->reset();
  EXPECT_TRUE(DataDirLock::Acquire(data).ok());
}

}  // namespace
}  // namespace kalam::server
