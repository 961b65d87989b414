#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/result.h"

namespace kalam::filestore {

// Where a local directory for KalamDB's own files (a filesystem storage's base, a backup) may
// be. Clients name these directories, and the server creates them and writes into them, so a
// name must not lead into the operating system's directories.
//
// ResolveLocalDirectory makes `path` absolute (against the working directory), normalises it
// lexically (so "/tmp/../etc/x" is "/etc/x") and then canonically as far as it exists
// (symlinks of the existing part resolved, so a link to /etc is seen as /etc), and refuses,
// with InvalidArgument naming the directory:
//   - an empty path, a NUL byte, or a URL ("scheme://...");
//   - the filesystem root itself;
//   - anything at or below /etc /proc /sys /dev /boot /bin /sbin /usr /lib
//     (docs/sql-reference.md), in its lexical or its canonical form.
// Returns the canonical form without a trailing '/'. `what` starts the messages, e.g.
// "Storage directory".
Result<std::string> ResolveLocalDirectory(std::string_view path, std::string_view what);

// Whether an absolute, normal `path` is the root or lies at or below a system directory above.
bool IsSystemDirectory(std::string_view path);

// What is at an absolute local path (one ResolveLocalDirectory answered): a BACKUP target must
// be missing or an empty directory, a RESTORE source a directory.
enum class LocalDirectoryState { kMissing, kEmpty, kNotEmpty, kNotADirectory };
Result<LocalDirectoryState> InspectLocalDirectory(const std::string& absolute_path);

}  // namespace kalam::filestore
