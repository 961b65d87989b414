#include <chrono>

#include "kalam/commons/clock.h"
#include "kalam/commons/seq_generator.h"

namespace kalam {

void SeqGenerator::AdvancePast(SeqId floor) {
  int64_t cur = last_.load(std::memory_order_acquire);
  while (cur < floor && !last_.compare_exchange_weak(cur, floor, std::memory_order_acq_rel)) {
  }
}

SeqId SeqGenerator::Next() {
  const int64_t ms = NowMicros() / 1000 - kEpochMs;
  const int64_t from_clock = (ms << 22) | (int64_t(worker_id_) << 12);
  int64_t prev = last_.load(std::memory_order_acquire);
  while (true) {
    // Same millisecond (or clock behind): take the next sequence number; once the 12-bit
    // sequence is exhausted, move to the next millisecond (running slightly ahead of the
    // clock) so the worker bits never change.
    int64_t next = from_clock > prev ? from_clock : prev + 1;
    if (((next >> 12) & 0x3ff) != worker_id_) next = (((prev >> 22) + 1) << 22) | (int64_t(worker_id_) << 12);
    if (last_.compare_exchange_weak(prev, next, std::memory_order_acq_rel)) return next;
  }
}

}  // namespace kalam
