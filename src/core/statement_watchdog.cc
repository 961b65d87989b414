#include "statement_watchdog.h"

#include <algorithm>

#include "duckdb/main/client_context.hpp"

namespace kalam::core {

StatementWatchdog::StatementWatchdog(std::chrono::milliseconds timeout)
    : timeout_(timeout), thread_([this] { Run(); }) {}

StatementWatchdog::~StatementWatchdog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

StatementWatchdog::Guard StatementWatchdog::Watch(duckdb::ClientContext& context) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  watched_[id] = Entry{deadline, &context};
  // No wake-up here: the watchdog polls (see Run), so registering a statement costs a map
  // insert rather than a context switch on every request.
  return Guard(this, id, deadline);
}

StatementWatchdog::Guard::~Guard() {
  if (dog_ == nullptr) return;
  std::lock_guard lock(dog_->mu_);
  dog_->watched_.erase(id_);
}

void StatementWatchdog::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    // Poll at a fraction of the timeout (at most every second): a statement is interrupted
    // at most that much after its deadline.
    auto nearest = now + std::min<std::chrono::milliseconds>(std::chrono::milliseconds(1000),
                                                             std::max(timeout_ / 4, std::chrono::milliseconds(10)));
    for (auto it = watched_.begin(); it != watched_.end();) {
      if (it->second.deadline <= now) {
        // Interrupt is safe from another thread; the query unwinds with an INTERRUPT error.
        it->second.context->Interrupt();
        it = watched_.erase(it);
      } else {
        nearest = std::min(nearest, it->second.deadline);
        ++it;
      }
    }
    cv_.wait_until(lock, nearest);
  }
}

}  // namespace kalam::core
