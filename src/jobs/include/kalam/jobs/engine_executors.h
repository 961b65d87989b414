#pragma once

#include "kalam/core/maintenance.h"
#include "kalam/jobs/job_manager.h"

namespace kalam::jobs {

// Registers the engine's executor for every job type it runs (flush, cleanup, retention,
// user_cleanup) with `jobs`, so that the server and the tests wire jobs the same way.
// `maintenance` (Engine::maintenance()) must outlive `jobs`' worker.
void RegisterEngineExecutors(JobManager& jobs, core::Maintenance& maintenance);

}  // namespace kalam::jobs
