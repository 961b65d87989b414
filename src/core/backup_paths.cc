#include "backup_paths.h"

#include "backup_descriptor.h"
#include "kalam/filestore/storage_directory.h"

namespace kalam::core {

Result<std::string> CheckBackupDirectory(std::string_view path, BackupDirection direction) {
  const std::string what = direction == BackupDirection::kBackup ? "Backup directory" : "Restore directory";
  const std::string text(path);
  if (text.find('\0') != std::string::npos) return Status::InvalidArgument(what + " must not contain NUL");
  if (text.empty() || text.front() != '/') {
    return Status::InvalidArgument(what + " must be an absolute path, not '" + text + "'");
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    if (text.compare(start, end - start, "..") == 0) {
      return Status::InvalidArgument(what + " must not contain '..': '" + text + "'");
    }
    start = end + 1;
  }
  return filestore::ResolveLocalDirectory(text, what);
}

Status CheckBackupTargetIsFree(const std::string& directory) {
  KALAM_ASSIGN_OR_RETURN(filestore::LocalDirectoryState state, filestore::InspectLocalDirectory(directory));
  switch (state) {
    case filestore::LocalDirectoryState::kMissing:
    case filestore::LocalDirectoryState::kEmpty: return Status::Ok();
    case filestore::LocalDirectoryState::kNotEmpty:
      return Status::AlreadyExists("Backup directory '" + directory + "' is not empty");
    case filestore::LocalDirectoryState::kNotADirectory:
      return Status::AlreadyExists("Backup directory '" + directory + "' exists and is not a directory");
  }
  return Status::Ok();
}

Status CheckRestoreSourceExists(const std::string& directory) {
  KALAM_ASSIGN_OR_RETURN(filestore::LocalDirectoryState state, filestore::InspectLocalDirectory(directory));
  if (state == filestore::LocalDirectoryState::kMissing) {
    return Status::NotFound("Restore directory '" + directory + "' does not exist");
  }
  if (state != filestore::LocalDirectoryState::kNotEmpty) {
    return Status::NotFound("Restore directory '" + directory + "' holds no backup (no " +
                            std::string(kBackupDescriptorFile) + ")");
  }
  return Status::Ok();
}

}  // namespace kalam::core
