#include "kalam/commons/target_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace kalam {
namespace {

using ::testing::HasSubstr;

TEST(TargetPathTest, AcceptsAbsolutePathsOutsideSystemDirectories) {
  EXPECT_TRUE(CheckTargetPath("/backups/app-20251028").ok());
  EXPECT_TRUE(CheckTargetPath("/tmp/export/alice").ok());
  EXPECT_TRUE(CheckTargetPath("/library/x").ok());  // "/lib" is a whole segment
  EXPECT_TRUE(CheckTargetPath("/data/a..b").ok());  // ".." only as a whole segment
}

TEST(TargetPathTest, RefusesEachRule) {
  EXPECT_THAT(CheckTargetPath("relative/dir").message(), HasSubstr("must be an absolute path"));
  EXPECT_THAT(CheckTargetPath("").message(), HasSubstr("must be an absolute path"));
  EXPECT_THAT(CheckTargetPath("/tmp/../etc/x").message(), HasSubstr("must not contain '..'"));
  EXPECT_THAT(CheckTargetPath("/tmp/..").message(), HasSubstr("must not contain '..'"));
  EXPECT_THAT(CheckTargetPath(std::string("/tmp/a\0b", 8)).message(), HasSubstr("NUL"));
  for (const char* dir : {"/etc", "/etc/x", "/proc/1", "/sys", "/dev/shm/x", "/boot/a", "/bin/a", "/sbin/a",
                          "/usr/local/x", "/lib/x", "//etc/x"}) {
    Status s = CheckTargetPath(dir);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << dir;
    EXPECT_THAT(s.message(), HasSubstr("is a system directory")) << dir;
  }
}

}  // namespace
}  // namespace kalam
