#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "kalam/commons/job.h"

namespace kalam {

// A monotonically increasing count. Relaxed atomics are enough: a scrape reads each counter
// on its own, and Prometheus expects no consistent cut across counters. Lock-free.
class MetricCounter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (open connections). Relaxed for the same reason. Lock-free.
class MetricGauge {
 public:
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Counts one holder in a gauge for as long as it lives (an open connection).
class GaugeHold {
 public:
  explicit GaugeHold(MetricGauge& gauge) : gauge_(&gauge) { gauge_->Add(1); }
  ~GaugeHold() { Release(); }
  GaugeHold(const GaugeHold&) = delete;
  GaugeHold& operator=(const GaugeHold&) = delete;
  // Stops counting before the end of the scope; idempotent.
  void Release() {
    if (gauge_ != nullptr) gauge_->Add(-1);
    gauge_ = nullptr;
  }

 private:
  MetricGauge* gauge_;
};

// A latency histogram with fixed buckets from 100 µs to 10 s: observing is two relaxed
// increments and an add, with no allocation, so it sits on the request path. Lock-free.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 16> kBoundsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

  void ObserveMicros(int64_t micros);

  // Cumulative counts per bound (the last entry is +Inf = count) and the sum in seconds.
  struct Snapshot {
    std::array<uint64_t, kBoundsSeconds.size() + 1> cumulative{};
    double sum_seconds = 0;
    uint64_t count() const { return cumulative.back(); }
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsSeconds.size() + 1> buckets_{};  // last: above every bound
  std::atomic<uint64_t> sum_micros_{0};
};

// The engine-side figures of GET /metrics (docs/http-api.md), counted where they happen by the
// modules below the api: jobs, flushes and live-query deliveries. Request figures belong to
// the api itself. One instance per process (ProcessMetrics()); every member is lock-free.
struct EngineMetrics {
  static constexpr size_t kJobTypes = 8;     // JobType values
  static constexpr size_t kJobStatuses = 8;  // JobStatus values
  // Jobs reaching a final state, by type and status (completed, failed, cancelled, skipped).
  std::array<std::array<MetricCounter, kJobStatuses>, kJobTypes> jobs_finished;
  MetricCounter flush_rows;   // rows written to Parquet by flushes
  MetricCounter flush_files;  // Parquet files written by flushes
  // Change notifications handed to subscribers, and the time from a change's commit (its
  // `_seq` clock) to its fan-out.
  MetricCounter change_deliveries;
  LatencyHistogram delivery_lag;

  void JobFinished(JobType type, JobStatus status) {
    jobs_finished[static_cast<size_t>(type)][static_cast<size_t>(status)].Add();
  }
};

// The process's one EngineMetrics, created on first use. Thread-safe.
EngineMetrics& ProcessMetrics();

}  // namespace kalam

namespace kalam {
static_assert(static_cast<size_t>(JobType::kRestore) + 1 == EngineMetrics::kJobTypes, "EngineMetrics::kJobTypes");
static_assert(static_cast<size_t>(JobStatus::kSkipped) + 1 == EngineMetrics::kJobStatuses,
              "EngineMetrics::kJobStatuses");
}  // namespace kalam
