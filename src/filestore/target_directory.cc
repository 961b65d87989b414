#include "kalam/filestore/target_directory.h"

#include <filesystem>
#include <system_error>

namespace kalam::filestore {

namespace fs = std::filesystem;

Result<std::unique_ptr<LocalFileBackend>> OpenEmptyTargetDirectory(const std::string& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return Status::AlreadyExists("Target directory '" + dir + "' is not a directory");
    }
    if (!fs::is_empty(dir, ec) || ec) {
      return Status::AlreadyExists("Target directory '" + dir + "' is not empty");
    }
  }
  return LocalFileBackend::Open(dir);
}

}  // namespace kalam::filestore
