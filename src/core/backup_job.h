#pragma once

#include <atomic>

#include "engine_context.h"
#include "kalam/commons/job_outcome.h"
#include "kalam/core/job_parameters.h"

namespace kalam::core {

// The `backup` job (docs/backup.md): a point-in-time copy of one namespace, or of the server,
// taken at the job's start while writes continue (CaptureBackupSnapshot). For each USER/SHARED
// table scope it copies the committed segments and writes the hot versions at the snapshot as
// one more segment, with the scope's manifest.json; then catalog.json; then backup.json, last
// and atomically, listing every file's size and SHA-256. A backup that fails removes what it
// wrote; one killed midway leaves no backup.json, so nothing can restore from it.
// `cancel` (may be null) stops it between files.
class BackupJob {
 public:
  static Result<JobOutcome> Run(EngineContext& engine, const BackupJobParams& params,
                                const std::atomic<bool>* cancel = nullptr);
};

}  // namespace kalam::core
