#include "delivery_queue.h"

#include <exception>
#include <utility>

namespace kalam::live {

DeliveryQueue::DeliveryQueue(DeliverFn deliver, size_t max_batches)
    : deliver_(std::move(deliver)), max_batches_(max_batches), thread_([this] { Loop(); }) {}

DeliveryQueue::~DeliveryQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  arrived_.notify_all();
  room_.notify_all();
  thread_.join();
}

void DeliveryQueue::Push(CommittedBatch batch) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(batch));
}

void DeliveryQueue::Drain() {
  std::unique_lock lock(mu_);
  if (!delivering_ && !queue_.empty() && !stopping_) return DeliverOldest(lock);
  arrived_.notify_one();
  room_.wait(lock, [&] { return queue_.size() < max_batches_ || stopping_; });
}

void DeliveryQueue::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return (queue_.empty() && !delivering_) || stopping_; });
}

void DeliveryQueue::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    arrived_.wait(lock, [&] { return !delivering_ && (!queue_.empty() || stopping_); });
    if (queue_.empty()) return;  // stopping, and everything delivered
    DeliverOldest(lock);
  }
}

void DeliveryQueue::DeliverOldest(std::unique_lock<std::mutex>& lock) {
  CommittedBatch batch = std::move(queue_.front());
  queue_.pop_front();
  delivering_ = true;
  lock.unlock();
  try {
    deliver_(batch);
  } catch (const std::exception&) {
    // Lost to its subscribers only (see the class comment).
  }
  lock.lock();
  delivering_ = false;
  room_.notify_all();
  if (queue_.empty()) {
    idle_.notify_all();
  } else {
    arrived_.notify_one();  // batches queued meanwhile: the delivery thread takes them
  }
}

}  // namespace kalam::live
