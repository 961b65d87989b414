#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/job.h"
#include "kalam/commons/result.h"
#include "kalam/store/storage_backend.h"

namespace kalam::system {

// Persists job records (the rows of system.jobs) in the store's meta partition under the
// key "job/" + job id (value layout: JobRepository::Encode in job_repository.cc). The job manager
// writes every state change here, so system.jobs shows the same thing after a restart.
// Thread-safe as the backend is; callers serialise read-modify-write of one job.
class JobRepository {
 public:
  // `backend` must outlive the repository.
  explicit JobRepository(store::StorageBackend& backend) : backend_(backend) {}

  Result<std::optional<JobRecord>> Get(const JobId& id) const;
  // Inserts or replaces the record with the same id.
  Status Put(const JobRecord& job);
  // Every job, newest first (by created_at, then by id).
  Result<std::vector<JobRecord>> List() const;
  // Deleting a missing job is not an error.
  Status Delete(const JobId& id);

  // The stored form of one record; exposed for tests and tools.
  static std::string Encode(const JobRecord& job);
  static Result<JobRecord> Decode(std::string_view bytes);

  static constexpr std::string_view kKeyPrefix = "job/";

 private:
  store::StorageBackend& backend_;
};

}  // namespace kalam::system
