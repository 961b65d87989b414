#include "kalam/commons/metrics.h"

#include <algorithm>

namespace kalam {

void LatencyHistogram::ObserveMicros(int64_t micros) {
  if (micros < 0) micros = 0;
  const double seconds = static_cast<double>(micros) / 1e6;
  const auto bound = std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds);
  buckets_[static_cast<size_t>(bound - kBoundsSeconds.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot out;
  uint64_t running = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative[i] = running;
  }
  out.sum_seconds = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return out;
}

EngineMetrics& ProcessMetrics() {
  static EngineMetrics* const metrics = new EngineMetrics();  // never destroyed: threads may outlive main
  return *metrics;
}

}  // namespace kalam
