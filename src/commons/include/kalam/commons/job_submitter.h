#pragma once

#include <string>

#include "kalam/commons/ids.h"
#include "kalam/commons/job.h"
#include "kalam/commons/result.h"

namespace kalam {

// The answer to a submission: the job's id, and whether it is an existing job that already
// held the idempotency key (queued, running or retrying) rather than a new one.
struct JobSubmission {
  JobId id;
  bool already_active = false;
};

// How core hands work to the job system (layer 6) without depending on it: `jobs` implements
// this interface and the server wires it into the engine (ARCHITECTURE.md, upward calls).
// Implementations are thread-safe.
class JobSubmitter {
 public:
  virtual ~JobSubmitter() = default;

  // Queues a job of `type`. When a job with the same non-empty `idempotency_key` is queued,
  // running or retrying, returns that job with `already_active` set instead of adding one.
  virtual Result<JobSubmission> Submit(JobType type, std::string idempotency_key, std::string parameters_json) = 0;

  // KILL JOB. A queued or running job becomes `cancelled` and `*message` (when non-null) is
  // set to "Job FL-… killed: cancelled". A finished job gives InvalidOperation
  // "Job FL-… already finished (completed)"; an unknown id gives NotFound "Job 'X' not found".
  virtual Status Kill(const JobId& id, std::string* message) = 0;
};

}  // namespace kalam
