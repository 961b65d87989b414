#include "kalam/jobs/flush_scheduler.h"

#include "kalam/commons/clock.h"

namespace kalam::jobs {

FlushScheduler::FlushScheduler(core::Engine& engine, JobSubmitter& jobs, std::chrono::milliseconds interval)
    : engine_(engine), jobs_(jobs), interval_(interval) {}

FlushScheduler::~FlushScheduler() { Stop(); }

void FlushScheduler::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) break;
      lock.unlock();
      (void)RunOnce();  // a failed check is retried at the next interval
      lock.lock();
    }
  });
}

void FlushScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<size_t> FlushScheduler::RunOnce() {
  KALAM_ASSIGN_OR_RETURN(auto due, engine_.TablesDueForFlush(NowMicros()));
  size_t queued = 0;
  for (const TableId& table : due) {
    const std::string name = table.ToString();
    auto submitted = jobs_.Submit(JobType::kFlush, "flush:" + name, "{\"table_id\":\"" + name + "\"}");
    if (submitted.ok() && !submitted->already_active) ++queued;
  }
  return queued;
}

}  // namespace kalam::jobs
