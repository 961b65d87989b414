#include "backup_paths.h"

#include "backup_descriptor.h"
#include "kalam/commons/target_path.h"
#include "kalam/filestore/storage_directory.h"

namespace kalam::core {

Result<std::string> CheckBackupDirectory(std::string_view path, BackupDirection direction) {
  const std::string what = direction == BackupDirection::kBackup ? "Backup directory" : "Restore directory";
  // The lexical rules shared with EXPORT USER DATA, then the same check through symlinks.
  KALAM_RETURN_IF_ERROR(CheckTargetPath(path));
  return filestore::ResolveLocalDirectory(path, what);
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
