#pragma once

#include <memory>
#include <string_view>

#include "kalam/commons/status.h"
#include "kalam/store/partition.h"
#include "kalam/store/write_batch.h"

namespace kalam::store {

class StorageBackend;

// Writes held back from the database, readable before they are written: the pending writes
// of one transaction. A snapshot taken with StorageBackend::GetSnapshot(this) reads these
// writes over the database (point reads and range scans alike), so the transaction's own
// statements see what it wrote while nobody else does. Nothing here ever reaches the
// database; committing is the caller's business (it rewrites the versions with fresh `_seq`
// values, see tables::TableStore::Commit).
//
// Made by StorageBackend::NewPendingWrites; the backend must outlive it, and every snapshot
// taken over it must be released before it is destroyed. Not thread-safe: reads through
// snapshots may run on several threads at once, but never while Apply runs.
class PendingWrites {
 public:
  ~PendingWrites();
  PendingWrites(const PendingWrites&) = delete;
  PendingWrites& operator=(const PendingWrites&) = delete;

  // Adds the puts and deletes of `batch` (range deletes are refused: nothing in a
  // transaction issues one).
  [[nodiscard]] Status Apply(const WriteBatch& batch);
  // Number of writes held (several writes of one key count once each).
  size_t Count() const;

 private:
  friend class StorageBackend;
  struct Rep;
  explicit PendingWrites(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kalam::store
