#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace duckdb {
class ClientContext;
}

namespace kalam::core {

// Enforces limits.statement_timeout_secs: interrupts a DuckDB query that runs past its
// deadline (the query then fails with "Statement timed out"). One background thread for the
// whole engine polls the registered statements (every quarter of the timeout, at most every
// second), so registering one never wakes it. Work outside DuckDB (turning rows into writes,
// building the write batch) asks its guard whether the deadline has passed. Thread-safe.
class StatementWatchdog {
 public:
  explicit StatementWatchdog(std::chrono::milliseconds timeout);
  ~StatementWatchdog();

  // Registers `context` for the current statement; the returned token unregisters it.
  class Guard {
   public:
    Guard(StatementWatchdog* dog, uint64_t id, std::chrono::steady_clock::time_point deadline)
        : dog_(dog), id_(id), deadline_(deadline) {}
    Guard(Guard&& other) noexcept : dog_(other.dog_), id_(other.id_), deadline_(other.deadline_) {
      other.dog_ = nullptr;
    }
    Guard(const Guard&) = delete;
    ~Guard();

    std::chrono::steady_clock::time_point deadline() const { return deadline_; }

   private:
    StatementWatchdog* dog_;
    uint64_t id_;
    std::chrono::steady_clock::time_point deadline_;
  };
  Guard Watch(duckdb::ClientContext& context);
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  void Run();

  const std::chrono::milliseconds timeout_;
  std::mutex mu_;  // guards watched_, next_id_, stopping_
  std::condition_variable cv_;
  struct Entry {
    std::chrono::steady_clock::time_point deadline;
    duckdb::ClientContext* context;
  };
  std::map<uint64_t, Entry> watched_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kalam::core
