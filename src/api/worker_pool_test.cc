#include "kalam/api/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

namespace kalam::api {
namespace {

// A latch the test opens by hand, so "running" is an observable state, not a sleep.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Counts tasks that have started and lets the test wait for a number of them.
class Started {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  bool WaitFor(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

// Submits a task under `key` that holds its worker until `gate` opens, and waits until it runs.
bool OccupyWorker(WorkerPool& pool, const std::string& key, Gate& gate, Started& started) {
  const int before = started.count();
  const Admission admission = pool.Submit(key, [&](bool) {
    started.Add();
    gate.Wait();
  });
  return admission == Admission::kAccepted && started.WaitFor(before + 1);
}

TEST(WorkerPoolTest, RunsTasksAndReportsThatTheyRan) {
  WorkerPool pool({.threads = 2, .max_running_per_key = 2, .max_queued_per_key = 8, .max_queued_total = 64});
  std::promise<bool> ran;
  ASSERT_EQ(pool.Submit("a", [&](bool run) { ran.set_value(run); }), Admission::kAccepted);
  EXPECT_TRUE(ran.get_future().get());
}

TEST(WorkerPoolTest, OneKeyNeverHoldsMoreThanItsShareWhileOthersRun) {
  // Four workers, at most two per key: a user with ten blocked statements leaves two workers
  // free, and another user's statement runs at once.
  WorkerPool pool({.threads = 4, .max_running_per_key = 2, .max_queued_per_key = 16, .max_queued_total = 64});
  Gate gate;
  Started heavy;
  std::atomic<int> heavy_running{0};
  std::atomic<int> heavy_peak{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(pool.Submit("heavy",
                          [&](bool) {
                            const int now = heavy_running.fetch_add(1) + 1;
                            int peak = heavy_peak.load();
                            while (now > peak && !heavy_peak.compare_exchange_weak(peak, now)) {
                            }
                            heavy.Add();
                            gate.Wait();
                            heavy_running.fetch_sub(1);
                          }),
              Admission::kAccepted);
  }
  ASSERT_TRUE(heavy.WaitFor(2));
  std::promise<void> light;
  ASSERT_EQ(pool.Submit("light", [&](bool) { light.set_value(); }), Admission::kAccepted);
  EXPECT_EQ(light.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(heavy.count(), 2);  // the other eight still wait for their key's slots
  gate.Open();
  ASSERT_TRUE(heavy.WaitFor(10));
  pool.Stop();
  EXPECT_EQ(heavy_peak.load(), 2);
}

TEST(WorkerPoolTest, RefusesBeyondTheKeyQueue) {
  WorkerPool pool({.threads = 2, .max_running_per_key = 1, .max_queued_per_key = 2, .max_queued_total = 64});
  Gate gate;
  Started started;
  ASSERT_TRUE(OccupyWorker(pool, "k", gate, started));
  EXPECT_EQ(pool.Submit("k", [&](bool) { gate.Wait(); }), Admission::kAccepted);
  EXPECT_EQ(pool.Submit("k", [&](bool) { gate.Wait(); }), Admission::kAccepted);
  EXPECT_EQ(pool.Submit("k", [&](bool) {}), Admission::kKeyQueueFull);
  // Another key is not affected by k's full queue.
  std::promise<void> other;
  EXPECT_EQ(pool.Submit("other", [&](bool) { other.set_value(); }), Admission::kAccepted);
  EXPECT_EQ(other.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  gate.Open();
  pool.Stop();  // the tasks waiting on the gate finish before the gate goes out of scope
}

TEST(WorkerPoolTest, RefusesBeyondThePoolQueue) {
  WorkerPool pool({.threads = 1, .max_running_per_key = 1, .max_queued_per_key = 100, .max_queued_total = 2});
  Gate gate;
  Started started;
  ASSERT_TRUE(OccupyWorker(pool, "a", gate, started));
  EXPECT_EQ(pool.Submit("b", [&](bool) {}), Admission::kAccepted);
  EXPECT_EQ(pool.Submit("c", [&](bool) {}), Admission::kAccepted);
  EXPECT_EQ(pool.Submit("d", [&](bool) {}), Admission::kPoolQueueFull);
  gate.Open();
  pool.Stop();  // the tasks waiting on the gate finish before the gate goes out of scope
}

TEST(WorkerPoolTest, KeysTakeTurns) {
  // One worker: key a queues five tasks before b queues one; b's runs second, not sixth.
  WorkerPool pool({.threads = 1, .max_running_per_key = 1, .max_queued_per_key = 16, .max_queued_total = 64});
  Gate gate;
  Started started;
  Started done;
  std::mutex mu;
  std::vector<std::string> order;
  ASSERT_TRUE(OccupyWorker(pool, "a", gate, started));
  auto record = [&](const char* key) {
    return [&, key](bool) {
      {
        std::lock_guard lock(mu);
        order.push_back(key);
      }
      done.Add();
    };
  };
  for (int i = 0; i < 5; ++i) ASSERT_EQ(pool.Submit("a", record("a")), Admission::kAccepted);
  ASSERT_EQ(pool.Submit("b", record("b")), Admission::kAccepted);
  gate.Open();
  ASSERT_TRUE(done.WaitFor(6));
  std::lock_guard lock(mu);
  const std::vector<std::string> expected = {"b", "a", "a", "a", "a", "a"};
  EXPECT_EQ(order, expected);
}

TEST(WorkerPoolTest, StopCompletesWaitingTasksWithoutRunningThem) {
  WorkerPool pool({.threads = 1, .max_running_per_key = 1, .max_queued_per_key = 8, .max_queued_total = 64});
  Gate gate;
  Started started;
  ASSERT_TRUE(OccupyWorker(pool, "a", gate, started));
  std::promise<bool> waiting;
  ASSERT_EQ(pool.Submit("b", [&](bool run) { waiting.set_value(run); }), Admission::kAccepted);
  std::thread stopper([&] { pool.Stop(); });
  EXPECT_FALSE(waiting.get_future().get());  // dropped, told so
  gate.Open();
  stopper.join();
  EXPECT_EQ(pool.Submit("c", [](bool) {}), Admission::kStopped);
}

TEST(WorkerPoolTest, ManyKeysArrivingWhileTasksRunAllComplete) {
  // Thousands of new keys make the key table grow (rehash) while other keys' tasks run and
  // wait in the round-robin list; every task still runs exactly once.
  WorkerPool pool({.threads = 4, .max_running_per_key = 1, .max_queued_per_key = 4, .max_queued_total = 100000});
  Gate gate;
  Started started;
  Started done;
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(pool.Submit("held-" + std::to_string(k),
                          [&](bool) {
                            started.Add();
                            gate.Wait();
                            done.Add();
                          }),
              Admission::kAccepted);
  }
  ASSERT_TRUE(started.WaitFor(3));
  constexpr int kKeys = 5000;
  for (int k = 0; k < kKeys; ++k) {
    ASSERT_EQ(pool.Submit("key-" + std::to_string(k),
                          [&](bool run) {
                            if (run) done.Add();
                          }),
              Admission::kAccepted);
  }
  gate.Open();
  EXPECT_TRUE(done.WaitFor(kKeys + 3));
  pool.Stop();
  EXPECT_EQ(done.count(), kKeys + 3);
}

}  // namespace
}  // namespace kalam::api
