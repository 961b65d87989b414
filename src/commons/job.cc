#include "kalam/commons/job.h"

#include <array>
#include <random>

#include "kalam/commons/names.h"

namespace kalam {
namespace {

struct JobTypeInfo {
  JobType type;
  std::string_view name;
  std::string_view prefix;
};

constexpr std::array<JobTypeInfo, 8> kJobTypes = {{
    {JobType::kFlush, "flush", "FL"},
    {JobType::kCleanup, "cleanup", "CL"},
    {JobType::kRetention, "retention", "RT"},
    {JobType::kStreamEviction, "stream_eviction", "SE"},
    {JobType::kUserCleanup, "user_cleanup", "UC"},
    {JobType::kCompact, "compact", "CO"},
    {JobType::kBackup, "backup", "BK"},
    {JobType::kRestore, "restore", "RS"},
}};

constexpr std::array<std::pair<JobStatus, std::string_view>, 8> kJobStatuses = {{
    {JobStatus::kNew, "new"},
    {JobStatus::kQueued, "queued"},
    {JobStatus::kRunning, "running"},
    {JobStatus::kRetrying, "retrying"},
    {JobStatus::kCompleted, "completed"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kCancelled, "cancelled"},
    {JobStatus::kSkipped, "skipped"},
}};

const JobTypeInfo& Info(JobType type) {
  for (const JobTypeInfo& info : kJobTypes) {
    if (info.type == type) return info;
  }
  return kJobTypes[0];
}

}  // namespace

std::string_view JobTypeName(JobType type) { return Info(type).name; }

std::optional<JobType> ParseJobType(std::string_view text) {
  const std::string t = ToLower(text);
  for (const JobTypeInfo& info : kJobTypes) {
    if (t == info.name) return info.type;
  }
  return std::nullopt;
}

std::string_view JobStatusName(JobStatus status) {
  for (const auto& [s, name] : kJobStatuses) {
    if (s == status) return name;
  }
  return "new";
}

std::optional<JobStatus> ParseJobStatus(std::string_view text) {
  const std::string t = ToLower(text);
  for (const auto& [s, name] : kJobStatuses) {
    if (t == name) return s;
  }
  return std::nullopt;
}

std::string_view JobIdPrefix(JobType type) { return Info(type).prefix; }

JobId NewJobId(JobType type) {
  // One generator per thread: no lock, and seeding from random_device once per thread keeps
  // ids unpredictable across processes (a restarted server must not repeat old ids).
  thread_local std::mt19937_64 rng{(uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t bits = rng();
  std::string id(JobIdPrefix(type));
  id.push_back('-');
  for (int shift = 44; shift >= 0; shift -= 4) id.push_back(kHex[(bits >> shift) & 0xf]);
  return JobId(std::move(id));
}

bool IsFinished(JobStatus status) {
  switch (status) {
    case JobStatus::kCompleted:
    case JobStatus::kFailed:
    case JobStatus::kCancelled:
    case JobStatus::kSkipped:
      return true;
    case JobStatus::kNew:
    case JobStatus::kQueued:
    case JobStatus::kRunning:
    case JobStatus::kRetrying:
      return false;
  }
  return false;
}

bool IsIdempotent(JobType type) {
  switch (type) {
    case JobType::kFlush:
    case JobType::kCleanup:
    case JobType::kRetention:
    case JobType::kStreamEviction:
    case JobType::kUserCleanup:
      return true;
    case JobType::kCompact:
    case JobType::kBackup:
    case JobType::kRestore:
      return false;
  }
  return false;
}

}  // namespace kalam
