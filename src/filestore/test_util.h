#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "kalam/commons/result.h"

namespace kalam::filestore {

// A fresh directory under the system temp folder, removed with everything in it at
// destruction. Tests use real files: what they check (fsync, rename, symlinks) is the
// filesystem's behaviour, which a mock would only restate.
class TestTempDir {
 public:
  TestTempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("kalam_filestore_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
    path_ = std::filesystem::canonical(path_);
  }
  ~TestTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestTempDir(const TestTempDir&) = delete;
  TestTempDir& operator=(const TestTempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

// The value of `result`, failing the test (and returning T{}) when there is none. Lets a test
// read `ValueOrDie(files.Read("f"))` where the value, not the Status, is the point.
template <typename T>
T ValueOrDie(Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : T{};
}

}  // namespace kalam::filestore
