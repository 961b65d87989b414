#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kalam/commons/mutex.h"
#include "kalam/commons/thread_annotations.h"

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
  Admission Submit(std::string_view key, Task task) EXCLUDES(mu_);

  // Refuses new tasks, calls the waiting ones with run = false, and waits for the running
  // ones to return. Idempotent.
  void Stop() EXCLUDES(mu_);

  const WorkerPoolOptions& options() const { return options_; }

 private:
  struct KeyState {
    std::deque<Task> queue;
    uint32_t running = 0;
    bool ready = false;  // listed in ready_
  };

  void WorkerLoop() EXCLUDES(mu_);

  const WorkerPoolOptions options_;
  Mutex mu_;
  // Signalled when a key becomes ready or the pool stops.
  CondVar work_cv_;
  // Looked up by string_view: Submit finds a waiting key without building a string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using KeyMap = std::unordered_map<std::string, KeyState, KeyHash, std::equal_to<>>;
  KeyMap keys_ GUARDED_BY(mu_);
  // Keys with work they may start now, in round-robin order. Pointers, not iterators: an
  // insertion may rehash keys_, which moves no element but invalidates every iterator.
  using Entry = KeyMap::value_type;
  std::deque<Entry*> ready_ GUARDED_BY(mu_);
  size_t queued_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  // No worker polls for work before it sleeps: measured on 2 vCPUs, polling for 100 us cost
  // more CPU per request (the poll itself, taken from the threads doing the work) than the
  // futex wake-up it saves (bench/README.md, "Server CPU per request").
  // Written by the constructor and by Stop, which one thread calls (the owner).
  std::vector<std::thread> threads_;
};

}  // namespace kalam::api
