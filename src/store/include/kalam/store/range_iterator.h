#pragma once

#include <string_view>

#include "kalam/commons/status.h"

namespace kalam::store {

// Iterates the keys of one partition inside [begin, end), forward or backward. The key and
// value views stay valid until the next move. Not thread-safe; one per reader.
class RangeIterator {
 public:
  virtual ~RangeIterator() = default;

  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // First key >= target (clamped to the range).
  virtual void Seek(std::string_view target) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Non-ok when iteration stopped because of an I/O error rather than the range's end.
  virtual Status status() const = 0;
};

}  // namespace kalam::store
