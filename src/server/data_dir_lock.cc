#include "kalam/server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kalam::server {

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& data_path) {
  std::error_code ec;
  std::filesystem::create_directories(data_path, ec);
  if (ec) return Status::IoError("cannot create data directory " + data_path + ": " + ec.message());
  const std::string path = (std::filesystem::path(data_path) / "LOCK").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return Status::Unavailable("data directory is locked");
    return Status::IoError("cannot lock " + path + ": " + std::strerror(error));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { ::close(fd_); }

}  // namespace kalam::server
