#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/result.h"

namespace kalam::core {

enum class BackupDirection { kBackup, kRestore };

// The directory rules of BACKUP and RESTORE (docs/backup.md): quoted (the parser's part),
// absolute, no `..` segment, no NUL, not the root or under /etc /proc /sys /dev /boot /bin /sbin
// /usr /lib (also after resolving symlinks). Returns the canonical directory. Messages start
// with "Backup directory" or "Restore directory".
Result<std::string> CheckBackupDirectory(std::string_view path, BackupDirection direction);

// A BACKUP target must not exist or be an empty directory.
Status CheckBackupTargetIsFree(const std::string& directory);
// A RESTORE source must be a directory holding backup.json.
Status CheckRestoreSourceExists(const std::string& directory);

}  // namespace kalam::core
