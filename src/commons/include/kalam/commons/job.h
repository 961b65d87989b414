#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/ids.h"

namespace kalam {

// What a background job does (docs/sql-reference.md). Each type has a two-letter id prefix.
enum class JobType { kFlush, kCleanup, kRetention, kStreamEviction, kUserCleanup, kCompact, kBackup, kRestore };

// Where a job is in its lifecycle: new → queued → running → completed | failed | cancelled |
// skipped, with `retrying` between a failed attempt and the next one.
enum class JobStatus { kNew, kQueued, kRunning, kRetrying, kCompleted, kFailed, kCancelled, kSkipped };

// Wire names are lowercase: "flush", "stream_eviction", ...; parsing is case-insensitive.
std::string_view JobTypeName(JobType type);
std::optional<JobType> ParseJobType(std::string_view text);
// "new", "queued", "running", "retrying", "completed", "failed", "cancelled", "skipped".
std::string_view JobStatusName(JobStatus status);
std::optional<JobStatus> ParseJobStatus(std::string_view text);

// "FL", "CL", "RT", "SE", "UC", "CO", "BK", "RS".
std::string_view JobIdPrefix(JobType type);
// A fresh id: prefix + "-" + 12 random lowercase hex digits (48 bits), e.g. "FL-1a2b3c4d5e6f".
// Thread-safe.
JobId NewJobId(JobType type);

// completed, failed, cancelled and skipped are final; nothing moves a job out of them.
bool IsFinished(JobStatus status);
// Types whose jobs can run twice with the same effect as once (flush, cleanup, retention,
// stream_eviction, user_cleanup): crash recovery re-queues them. compact, backup and restore
// are not re-run behind the operator's back.
bool IsIdempotent(JobType type);

// One row of system.jobs. Times are µs since the Unix epoch; 0 = not set (shown as NULL).
struct JobRecord {
  JobId id;
  JobType type = JobType::kFlush;
  JobStatus status = JobStatus::kNew;
  std::string parameters_json;  // JSON object text, e.g. {"table_id":"ns.t"}; empty = none
  std::string message;          // the outcome ("Flushed N row(s) to M file(s)") or the last error
  std::string exception_trace;  // the failing Status as text, when the job failed
  std::string idempotency_key;  // empty = no de-duplication
  std::string queue = "default";
  int priority = 0;
  int retry_count = 0;
  int max_retries = 3;
  int64_t memory_used = 0;
  int64_t cpu_used = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  int64_t started_at_us = 0;
  int64_t finished_at_us = 0;
};

}  // namespace kalam
