#pragma once

#include <memory>
#include <string_view>

#include "kalam/store/partition.h"

namespace kalam::store {

// A set of writes applied atomically by StorageBackend::Write: all or none. Not thread-safe.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(Partition p, std::string_view key, std::string_view value);
  void Delete(Partition p, std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(Partition p, std::string_view begin, std::string_view end);
  size_t Count() const;
  // Drops every write after the first `count` (a part that turned out not to be wanted).
  void Truncate(size_t count);
  void Clear();

 private:
  friend class StorageBackend;
  friend class PendingWrites;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace kalam::store
