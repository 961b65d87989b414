#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "kalam/commons/clock.h"

namespace kalam::jobs {

// Runs `task` every `interval` of `clock` on a thread of its own until stopped; the schedulers
// share it. A task's failure is its own business (the next run retries). Thread-safe; Stop() is
// idempotent and waits for a run in progress.
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task, const Clock& clock = ProcessClock())
      : interval_(interval), task_(std::move(task)), clock_(clock) {}
  ~PeriodicTask() { Stop(); }

  void Start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!stopping_) {
        const Clock::SteadyPoint due = clock_.SteadyNow() + interval_;
        while (!stopping_ && clock_.SteadyNow() < due) clock_.WaitUntil(lock, cv_, due);
        if (stopping_) break;
        lock.unlock();
        task_();
        lock.lock();
      }
    });
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  const std::chrono::milliseconds interval_;
  const std::function<void()> task_;
  const Clock& clock_;
  std::mutex mu_;  // guards stopping_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kalam::jobs
