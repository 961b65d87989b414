#pragma once

#include <atomic>
#include <cstdint>

#include "kalam/commons/ids.h"

namespace kalam {

// Allocates `_seq` values in the snowflake layout of docs/sql-reference.md: 41 bits of
// milliseconds since 2024-01-01T00:00:00Z, 10 bits of worker id, 12 bits of sequence.
// Values are strictly increasing for the life of the generator, also when the clock steps
// back or more than 4096 ids are needed in one millisecond (the time part then runs ahead).
// Thread-safe (lock-free).
class SeqGenerator {
 public:
  explicit SeqGenerator(uint16_t worker_id = 0) : worker_id_(worker_id & 0x3ff) {}

  // Never hand out a value at or below `floor` (the highest value persisted before a restart).
  void AdvancePast(SeqId floor);
  SeqId Next();
  // The highest value handed out so far (0 before the first).
  SeqId Last() const { return last_.load(std::memory_order_acquire); }

  static constexpr int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
  static int64_t MillisOf(SeqId seq) { return (seq >> 22) + kEpochMs; }

 private:
  uint16_t worker_id_;
  std::atomic<int64_t> last_{0};
};

}  // namespace kalam
