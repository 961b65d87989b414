#pragma once

#include <string_view>

#include "kalam/commons/status.h"

namespace kalam {

// The rules for a directory an operator names for the server to write or read a whole copy of
// data in (EXPORT USER DATA; the same rules as BACKUP and RESTORE): absolute, no `..` segment,
// no NUL byte, and not inside a system directory (/etc /proc /sys /dev /boot /bin /sbin /usr
// /lib). Lexical only: whether the directory exists or is empty is the caller's check.
// InvalidArgument "Invalid path '<path>': <reason>" otherwise.
Status CheckTargetPath(std::string_view path);

}  // namespace kalam
