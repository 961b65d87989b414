#pragma once

#include <atomic>

#include "engine_context.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/core/job_parameters.h"

namespace kalam::core {

// The `restore` job of one namespace (docs/backup.md). In order:
//   1. backup.json is read and every file it lists is checked against its size and SHA-256
//      ("Checksum mismatch: <file>"); nothing is written before all match;
//   2. the namespace must not exist;
//   3. each table scope's segments and manifest are copied into the cold tier, under the
//      table's storage (kept when this server has it, else `local`); KalamDB files a crashed
//      earlier attempt left in those directories are removed first;
//   4. the tables get fresh table numbers, and the namespace, its tables, all their schema
//      versions and the index entries of the restored rows (newest version per primary key or
//      row id, read from the copied segments) enter the store in one atomic write: the commit
//      point. A failure before it removes the copied files; a crash before it leaves files no
//      table names, which the next attempt replaces;
//   5. the `_seq` generator is moved past the backup's snapshot.
// Restoring a whole server is not built yet (Unsupported).
class RestoreJob {
 public:
  static Result<JobOutcome> Run(EngineContext& engine, const BackupJobParams& params,
                                const std::atomic<bool>* cancel = nullptr);
};

}  // namespace kalam::core
