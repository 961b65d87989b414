#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/ids.h"
#include "kalam/tables/change_sink.h"

namespace kalam::live {

// One committed change, copied out of the write path: the table store's views end with its
// write lock, delivery happens after it.
struct OwnedChange {
  tables::ChangeKind kind = tables::ChangeKind::kInsert;
  SeqId seq = 0;
  SeqId old_seq = 0;
  std::vector<duckdb::Value> values;
  std::vector<duckdb::Value> old_values;
};

// The changes one write committed to one (table, scope).
struct CommittedBatch {
  TableNumber table = 0;
  uint32_t schema_version = 0;
  std::string scope;
  std::vector<OwnedChange> changes;
};

// The batches committed but not yet delivered to subscriptions, in commit order, and their
// delivery: one batch at a time, oldest first, so every connection receives changes in `_seq`
// order.
//
// Writers Push under the table store's write lock (cheap: a move into the queue), then Drain
// after it. When no delivery is running the writer delivers the oldest batch itself (no thread
// hop on the common path); otherwise the queue's own thread does. Writers wait only when
// deliveries fall `max_batches` behind, so fan-out slower than commits cannot grow memory
// without end. Thread-safe.
class DeliveryQueue {
 public:
  using DeliverFn = std::function<void(const CommittedBatch&)>;

  // Starts the delivery thread. `deliver` runs for each batch, never two at once; a batch
  // whose delivery throws (out of memory, a value DuckDB cannot render) is lost to its
  // subscribers, never to the write that committed it, and the feed goes on (clients resume
  // with `from`).
  DeliveryQueue(DeliverFn deliver, size_t max_batches);
  // Delivers what is queued, then stops the thread. Writers waiting for room return.
  ~DeliveryQueue();
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  void Push(CommittedBatch batch);
  // Delivers the oldest batch on this thread when no delivery runs; else hands it to the
  // delivery thread, waiting while the queue is full.
  void Drain();
  // Returns once every batch pushed so far has been delivered (or the queue is stopping).
  void WaitIdle();

 private:
  void Loop();  // the delivery thread
  // Pops the oldest batch and delivers it outside `lock` (mu_, held on entry and exit).
  void DeliverOldest(std::unique_lock<std::mutex>& lock);

  const DeliverFn deliver_;
  const size_t max_batches_;
  std::mutex mu_;                    // guards everything below
  std::condition_variable arrived_;  // a batch arrived, a delivery ended, or stopping
  std::condition_variable room_;     // a batch left
  std::condition_variable idle_;     // the queue ran empty
  std::deque<CommittedBatch> queue_;
  bool delivering_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace kalam::live
