#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/audit.h"
#include "kalam/commons/result.h"
#include "kalam/store/storage_backend.h"

namespace kalam::system {

// The rows of system.audit_log, kept in the hot tier: the store's meta partition under
// "audit/" + u64be(timestamp µs) + u32be(sequence), so entries are ordered by time and old
// ones go with one range delete. Entries older than the retention are purged as new ones
// arrive (at most once a minute). Thread-safe.
class AuditLog {
 public:
  // `backend` must outlive the log. `retention_days` 0 keeps entries forever.
  AuditLog(store::StorageBackend& backend, int64_t retention_days);

  // Stores `entry`, filling its id and, when 0, its timestamp.
  Status Append(AuditEntry entry);
  // Every entry, oldest first.
  Result<std::vector<AuditEntry>> List() const;
  // Deletes the entries older than `cutoff_us`.
  Status PurgeBefore(int64_t cutoff_us);

  static std::string Encode(const AuditEntry& entry);
  static Result<AuditEntry> Decode(std::string_view bytes);

  static constexpr std::string_view kKeyPrefix = "audit/";

 private:
  store::StorageBackend& backend_;
  const int64_t retention_us_;
  std::atomic<uint32_t> sequence_{0};      // distinguishes entries of one microsecond
  std::atomic<int64_t> last_purge_us_{0};  // when entries past the retention were last purged
};

}  // namespace kalam::system
