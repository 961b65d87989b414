#pragma once

#include <memory>
#include <string>

#include "kalam/commons/result.h"
#include "kalam/filestore/local_file_backend.h"

namespace kalam::filestore {

// The local directory a whole copy of data is written into (a user's data export): it must
// not exist yet or be an empty directory, and is created (with its parents) when absent.
// `dir` has passed CheckTargetPath (kalam/commons/target_path.h). AlreadyExists "Target
// directory '<dir>' is not empty" or "... is not a directory"; IoError when it cannot be made.
Result<std::unique_ptr<LocalFileBackend>> OpenEmptyTargetDirectory(const std::string& dir);

}  // namespace kalam::filestore
