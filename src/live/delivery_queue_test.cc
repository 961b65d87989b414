#include "delivery_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace kalam::live {
namespace {

CommittedBatch Batch(TableNumber table) {
  CommittedBatch batch;
  batch.table = table;
  return batch;
}

TEST(DeliveryQueueTest, DeliversEveryBatchOnceInCommitOrder) {
  std::mutex mu;
  std::vector<TableNumber> delivered;
  std::atomic<int> running{0};
  std::atomic<bool> overlapped{false};
  DeliveryQueue queue(
      [&](const CommittedBatch& batch) {
        if (running.fetch_add(1) != 0) overlapped = true;
        {
          std::lock_guard lock(mu);
          delivered.push_back(batch.table);
        }
        running.fetch_sub(1);
      },
      4);
  // Writers push under a shared lock (the table store's) and drain after it.
  std::mutex commit_lock;
  TableNumber next = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        {
          std::lock_guard lock(commit_lock);
          queue.Push(Batch(++next));
        }
        queue.Drain();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  queue.WaitIdle();
  std::lock_guard lock(mu);
  ASSERT_EQ(delivered.size(), 1000u);
  for (size_t i = 0; i < delivered.size(); ++i) ASSERT_EQ(delivered[i], i + 1);
  EXPECT_FALSE(overlapped) << "two batches were delivered at once";
}

TEST(DeliveryQueueTest, AThrowingDeliveryLosesOnlyItsBatch) {
  std::vector<TableNumber> delivered;
  DeliveryQueue queue(
      [&](const CommittedBatch& batch) {
        if (batch.table == 2) throw std::runtime_error("cannot encode");
        delivered.push_back(batch.table);
      },
      100);
  for (TableNumber t = 1; t <= 3; ++t) {
    queue.Push(Batch(t));
    queue.Drain();
  }
  queue.WaitIdle();
  EXPECT_EQ(delivered, (std::vector<TableNumber>{1, 3}));
}

TEST(DeliveryQueueTest, StoppingDeliversWhatIsQueued) {
  std::atomic<int> delivered{0};
  {
    DeliveryQueue queue([&](const CommittedBatch&) { ++delivered; }, 100);
    for (TableNumber t = 1; t <= 10; ++t) queue.Push(Batch(t));  // no Drain: the thread is told at stop
  }
  EXPECT_EQ(delivered.load(), 10);
}

}  // namespace
}  // namespace kalam::live
