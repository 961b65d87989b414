#include "kalam/system/job_repository.h"

#include <algorithm>

#include "kalam/commons/byte_buffer.h"
#include "kalam/store/entity_store.h"

namespace kalam::system {
namespace {

using store::Partition;

// Bumped when the layout below changes; Decode refuses formats it does not know.
constexpr uint8_t kJobFormat = 1;

// The largest enumerator of each enum, for refusing bytes that name no value.
constexpr uint8_t kMaxJobType = static_cast<uint8_t>(JobType::kRestore);
constexpr uint8_t kMaxJobStatus = static_cast<uint8_t>(JobStatus::kSkipped);

// Jobs keyed by id under kKeyPrefix. A view over the backend, built per call (the repository
// is its codec).
store::EntityStore<JobRecord, JobRepository> Jobs(store::StorageBackend& backend) {
  return {backend, Partition::kMeta, std::string(JobRepository::kKeyPrefix)};
}

}  // namespace

// Value layout (meta partition, key "job/" + id):
//   u8 format (1) | bytes id | u8 type | u8 status | bytes parameters_json | bytes message |
//   bytes exception_trace | bytes idempotency_key | bytes queue |
//   raw<int32> priority, retry_count, max_retries |
//   raw<int64> memory_used, cpu_used, created_at_us, updated_at_us, started_at_us, finished_at_us
// `type` and `status` are the enumerators' positions in job.h, so new values are appended there.
std::string JobRepository::Encode(const JobRecord& j) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kJobFormat);
  w.Bytes(j.id.str());
  w.U8(static_cast<uint8_t>(j.type));
  w.U8(static_cast<uint8_t>(j.status));
  w.Bytes(j.parameters_json);
  w.Bytes(j.message);
  w.Bytes(j.exception_trace);
  w.Bytes(j.idempotency_key);
  w.Bytes(j.queue);
  for (int32_t v : {int32_t{j.priority}, int32_t{j.retry_count}, int32_t{j.max_retries}}) w.Raw(v);
  for (int64_t v : {j.memory_used, j.cpu_used, j.created_at_us, j.updated_at_us, j.started_at_us, j.finished_at_us}) {
    w.Raw(v);
  }
  return out;
}

Result<JobRecord> JobRepository::Decode(std::string_view bytes) {
  ByteReader r(bytes);
  JobRecord j;
  uint8_t format = 0, type = 0, status = 0;
  std::string id;
  if (!r.U8(&format) || format != kJobFormat) return Status::Corruption("unknown job record format");
  if (!r.String(&id) || !r.U8(&type) || !r.U8(&status) || !r.String(&j.parameters_json) || !r.String(&j.message) ||
      !r.String(&j.exception_trace) || !r.String(&j.idempotency_key) || !r.String(&j.queue)) {
    return Status::Corruption("truncated job record");
  }
  if (type > kMaxJobType || status > kMaxJobStatus) return Status::Corruption("bad enum in job record " + id);
  int32_t priority = 0, retry_count = 0, max_retries = 0;
  for (int32_t* v : {&priority, &retry_count, &max_retries}) {
    if (!r.Raw(v)) return Status::Corruption("truncated job record");
  }
  for (int64_t* v : {&j.memory_used, &j.cpu_used, &j.created_at_us, &j.updated_at_us, &j.started_at_us,
                     &j.finished_at_us}) {
    if (!r.Raw(v)) return Status::Corruption("truncated job record");
  }
  if (!r.AtEnd()) return Status::Corruption("trailing bytes in job record " + id);
  j.id = JobId(std::move(id));
  j.type = static_cast<JobType>(type);
  j.status = static_cast<JobStatus>(status);
  j.priority = priority;
  j.retry_count = retry_count;
  j.max_retries = max_retries;
  return j;
}

Result<std::optional<JobRecord>> JobRepository::Get(const JobId& id) const { return Jobs(backend_).Get(id.str()); }

Status JobRepository::Put(const JobRecord& job) {
  if (job.id.empty()) return Status::InvalidArgument("job record without an id");
  return Jobs(backend_).Put(job.id.str(), job);
}

Result<std::vector<JobRecord>> JobRepository::List() const {
  KALAM_ASSIGN_OR_RETURN(std::vector<JobRecord> out, Jobs(backend_).List());
  // Keys are ordered by the random part of the id, which says nothing about age.
  std::sort(out.begin(), out.end(), [](const JobRecord& a, const JobRecord& b) {
    if (a.created_at_us != b.created_at_us) return a.created_at_us > b.created_at_us;
    return a.id.str() > b.id.str();
  });
  return out;
}

Status JobRepository::Delete(const JobId& id) { return Jobs(backend_).Delete(id.str()); }

}  // namespace kalam::system
