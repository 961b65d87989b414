#include <chrono>

#include "kalam/commons/clock.h"
#include "kalam/commons/seq_generator.h"

namespace kalam {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
    // Same millisecond (or clock behind): take the next value; the 12-bit sequence then
    // carries into the time part, which keeps order at the cost of running slightly ahead.
    const int64_t next = from_clock > prev ? from_clock : prev + 1;
    if (last_.compare_exchange_weak(prev, next, std::memory_order_acq_rel)) return next;
  }
}

}  // namespace kalam
