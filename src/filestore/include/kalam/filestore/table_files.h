#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/status.h"
#include "kalam/filestore/file_backend.h"

namespace kalam::filestore {

// Whether KalamDB writes files named `name` into a table's directories: the manifest, segment
// files ("batch-N.parquet"), their temp files ("batch-N.parquet.tmp") and the hidden temp
// files of atomic writes of either (".manifest.json.<unique>.tmp", ".batch-N.parquet.<unique>.tmp").
bool IsTableFileName(std::string_view name);

// Removes what KalamDB wrote under `dir` (a table's directory, or one user's directory of a
// USER table), and nothing else: in `dir` and every directory below it, the files
// IsTableFileName accepts, then each directory that is left empty, `dir` included. Anything
// else (an operator's file, a symlink, a directory holding one) stays where it is, together
// with the directories above it. A missing `dir` is Ok. When given, `kept` receives the paths
// (relative to the base) of regular files left behind. `dir` must not be "" (the base).
Status DeleteTableFiles(FileBackend& files, std::string_view dir, std::vector<std::string>* kept = nullptr);

}  // namespace kalam::filestore
