#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kalam::api {

struct WorkerPoolOptions {
  unsigned threads = 4;
  // How many tasks of one key run at once; the rest wait in the key's queue.
  uint32_t max_running_per_key = 2;
  // How many tasks of one key may wait; 0 = none may wait beyond those running.
  uint32_t max_queued_per_key = 32;
  // How many tasks may wait in all, whatever their keys.
  uint32_t max_queued_total = 4096;
};

// The answer to Submit.
enum class Admission {
  kAccepted,
  kKeyQueueFull,   // the key already has max_running_per_key running and max_queued_per_key waiting
  kPoolQueueFull,  // max_queued_total tasks are waiting
  kStopped,
};

// The bounded pool that runs everything that may wait on SQL, bcrypt or disk, so that the I/O
// threads only accept, read, write and ping. Tasks carry a fairness key (a user, or a client
// address before authentication): workers take keys round-robin, and no key has more than
// `max_running_per_key` tasks running, so one user's heavy statements leave the other workers
// to everyone else. Thread-safe.
class WorkerPool {
 public:
  // Runs the work when `run` is true; with false it was dropped at Stop and must only
  // complete its caller. Called exactly once, on a worker (or in Stop, for dropped tasks).
  using Task = std::function<void(bool run)>;

  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` under `key`. Anything but kAccepted means the task was not taken (and will
  // never be called).
  Admission Submit(std::string_view key, Task task);

  // Refuses new tasks, calls the waiting ones with run = false, and waits for the running
  // ones to return. Idempotent.
  void Stop();

  const WorkerPoolOptions& options() const { return options_; }

 private:
  struct KeyState {
    std::deque<Task> queue;
    uint32_t running = 0;
    bool ready = false;  // listed in ready_
  };

  void WorkerLoop();

  const WorkerPoolOptions options_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  // Looked up by string_view: Submit finds a waiting key without building a string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using KeyMap = std::unordered_map<std::string, KeyState, KeyHash, std::equal_to<>>;
  KeyMap keys_;
  // Keys with work they may start now, in round-robin order. Pointers, not iterators: an
  // insertion may rehash keys_, which moves no element but invalidates every iterator.
  using Entry = KeyMap::value_type;
  std::deque<Entry*> ready_;
  size_t queued_ = 0;
  bool stopping_ = false;
  // One idle worker polls for new work for a moment before it sleeps: a request arriving
  // meanwhile starts without waking a sleeping thread (a futex wake and, on a VM, an
  // inter-processor interrupt: tens of microseconds on an INSERT that takes fifty).
  std::atomic<bool> spinning_{false};
  std::atomic<size_t> ready_count_{0};
  std::vector<std::thread> threads_;
};

}  // namespace kalam::api
