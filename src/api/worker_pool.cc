#include "kalam/api/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace kalam::api {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(options) {
  const unsigned n = std::max(1u, options_.threads);
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() { Stop(); }

Admission WorkerPool::Submit(std::string_view key, Task task) {
  bool wake = false;
  {
    MutexLock lock(&mu_);
    if (stopping_) return Admission::kStopped;
    auto it = keys_.find(key);
    if (it == keys_.end()) it = keys_.emplace(std::string(key), KeyState{}).first;
    KeyState& state = it->second;
    const uint32_t cap = std::max(1u, options_.max_running_per_key);
    // Tasks that can start as soon as a worker is free do not count as waiting.
    const size_t free_slots = state.running < cap ? cap - state.running : 0;
    if (state.queue.size() >= options_.max_queued_per_key + free_slots) {
      if (state.queue.empty() && state.running == 0) keys_.erase(it);
      return Admission::kKeyQueueFull;
    }
    if (queued_ >= options_.max_queued_total) {
      if (state.queue.empty() && state.running == 0) keys_.erase(it);
      return Admission::kPoolQueueFull;
    }
    state.queue.push_back(std::move(task));
    ++queued_;
    if (!state.ready && state.running < cap) {
      state.ready = true;
      ready_.push_back(&*it);
      wake = true;
    }
  }
  if (wake) work_cv_.Signal();
  return Admission::kAccepted;
}

void WorkerPool::WorkerLoop() {
  mu_.Lock();
  while (true) {
    while (!stopping_ && ready_.empty()) work_cv_.Wait(&mu_);
    if (ready_.empty()) break;  // stopping, nothing left to start
    Entry* entry = ready_.front();
    ready_.pop_front();
    KeyState& state = entry->second;
    state.ready = false;
    Task task = std::move(state.queue.front());
    state.queue.pop_front();
    --queued_;
    ++state.running;
    // Still work to start for this key: back of the line, behind every other waiting key.
    if (!state.queue.empty() && state.running < std::max(1u, options_.max_running_per_key)) {
      state.ready = true;
      ready_.push_back(entry);
      work_cv_.Signal();
    }
    mu_.Unlock();
    try {
      task(true);
    } catch (const std::exception& e) {
      spdlog::error("worker task failed: {}", e.what());
    } catch (...) {
      spdlog::error("worker task failed");
    }
    task = nullptr;  // its captures go before the lock is taken again
    mu_.Lock();
    --state.running;
    if (!state.queue.empty()) {
      if (!state.ready) {
        state.ready = true;
        ready_.push_back(entry);
        work_cv_.Signal();
      }
    } else if (state.running == 0) {
      keys_.erase(keys_.find(entry->first));
    }
  }
  mu_.Unlock();
}

void WorkerPool::Stop() {
  std::vector<Task> dropped;
  {
    MutexLock lock(&mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    ready_.clear();
    for (auto& [key, state] : keys_) {
      state.ready = false;
      for (Task& task : state.queue) dropped.push_back(std::move(task));
      state.queue.clear();
    }
    queued_ = 0;
  }
  work_cv_.SignalAll();
  for (Task& task : dropped) {
    try {
      task(false);
    } catch (...) {
    }
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace kalam::api
