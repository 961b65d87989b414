#include "kalam/system/audit_log.h"

#include <cstdio>

#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/clock.h"
#include "kalam/store/entity_store.h"
#include "kalam/store/write_batch.h"

namespace kalam::system {
namespace {

using store::Partition;

constexpr uint8_t kAuditFormat = 1;
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;
constexpr int64_t kPurgeEveryMicros = 60LL * 1000 * 1000;

std::string KeyAt(int64_t timestamp_us, uint32_t sequence) {
  std::string key(AuditLog::kKeyPrefix);
  ByteWriter w(&key);
  w.U64BE(static_cast<uint64_t>(timestamp_us));
  w.U32BE(sequence);
  return key;
}

}  // namespace

AuditLog::AuditLog(store::StorageBackend& backend, int64_t retention_days)
    : backend_(backend), retention_us_(retention_days * kMicrosPerDay) {}

// Value layout: u8 format (1) | bytes audit_id | raw<int64> timestamp_us | bytes actor |
//   u8 action | bytes target | bytes details_json | bytes ip_address | u8 has_subject |
//   bytes subject. `action` is the enumerator's position in audit.h.
std::string AuditLog::Encode(const AuditEntry& e) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kAuditFormat);
  w.Bytes(e.audit_id);
  w.Raw(e.timestamp_us);
  w.Bytes(e.actor.str());
  w.U8(static_cast<uint8_t>(e.action));
  w.Bytes(e.target);
  w.Bytes(e.details_json);
  w.Bytes(e.ip_address);
  w.U8(e.subject ? 1 : 0);
  w.Bytes(e.subject ? e.subject->str() : std::string());
  return out;
}

Result<AuditEntry> AuditLog::Decode(std::string_view bytes) {
  ByteReader r(bytes);
  AuditEntry e;
  uint8_t format = 0, action = 0, has_subject = 0;
  std::string actor, subject;
  if (!r.U8(&format) || format != kAuditFormat) return Status::Corruption("unknown audit entry format");
  if (!r.String(&e.audit_id) || !r.Raw(&e.timestamp_us) || !r.String(&actor) || !r.U8(&action) ||
      !r.String(&e.target) || !r.String(&e.details_json) || !r.String(&e.ip_address) || !r.U8(&has_subject) ||
      !r.String(&subject) || !r.AtEnd()) {
    return Status::Corruption("malformed audit entry");
  }
  if (action > kMaxAuditAction) return Status::Corruption("bad action in audit entry " + e.audit_id);
  e.actor = UserId(std::move(actor));
  e.action = static_cast<AuditAction>(action);
  if (has_subject) e.subject = UserId(std::move(subject));
  return e;
}

Status AuditLog::Append(AuditEntry entry) {
  if (entry.timestamp_us == 0) entry.timestamp_us = NowMicros();
  const uint32_t sequence = sequence_.fetch_add(1, std::memory_order_relaxed);
  char id[32];
  std::snprintf(id, sizeof(id), "AU-%016llx%08x", static_cast<unsigned long long>(entry.timestamp_us), sequence);
  entry.audit_id = id;
  KALAM_RETURN_IF_ERROR(backend_.Put(Partition::kMeta, KeyAt(entry.timestamp_us, sequence), Encode(entry)));
  if (retention_us_ > 0) {
    int64_t last = last_purge_us_.load(std::memory_order_relaxed);
    // One appender wins the purge of each minute; the others go on.
    if (entry.timestamp_us - last >= kPurgeEveryMicros &&
        last_purge_us_.compare_exchange_strong(last, entry.timestamp_us, std::memory_order_relaxed)) {
      KALAM_RETURN_IF_ERROR(PurgeBefore(entry.timestamp_us - retention_us_));
    }
  }
  return Status::Ok();
}

Result<std::vector<AuditEntry>> AuditLog::List() const {
  return store::EntityStore<AuditEntry, AuditLog>(backend_, Partition::kMeta, std::string(kKeyPrefix)).List();
}

Status AuditLog::PurgeBefore(int64_t cutoff_us) {
  if (cutoff_us <= 0) return Status::Ok();
  store::WriteBatch batch;
  batch.DeleteRange(Partition::kMeta, kKeyPrefix, KeyAt(cutoff_us, 0));
  return backend_.Write(batch);
}

}  // namespace kalam::system
