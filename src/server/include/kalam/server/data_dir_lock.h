#pragma once

#include <memory>
#include <string>

#include "kalam/commons/result.h"

namespace kalam::server {

// The `LOCK` file at the root of the data directory (docs/configuration.md): held with an
// exclusive flock for the life of the server, so a second server on the same directory stops
// at once with "data directory is locked" before it touches anything. The kernel drops the lock
// when the process ends, however it ends, so a crash never leaves a stale lock. Not copyable.
class DataDirLock {
 public:
  // Creates the directory if needed, then takes the lock. Unavailable("data directory is
  // locked") when another process holds it; IoError when the file cannot be opened.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_path);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kalam::server
