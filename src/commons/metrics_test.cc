#include "kalam/commons/metrics.h"

#include <gtest/gtest.h>

namespace kalam {
namespace {

TEST(LatencyHistogramTest, CumulativeBucketsAndSum) {
  LatencyHistogram h;
  h.ObserveMicros(50);        // <= 100 µs
  h.ObserveMicros(100);       // exactly on the first bound: counted in it (le)
  h.ObserveMicros(3000);      // <= 5 ms
  h.ObserveMicros(20000000);  // above 10 s: +Inf only
  const auto s = h.Read();
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[4], 2u);  // 2.5 ms
  EXPECT_EQ(s.cumulative[5], 3u);  // 5 ms
  EXPECT_EQ(s.cumulative[LatencyHistogram::kBoundsSeconds.size() - 1], 3u);
  EXPECT_EQ(s.count(), 4u);
  EXPECT_DOUBLE_EQ(s.sum_seconds, (50 + 100 + 3000 + 20000000) / 1e6);
}

TEST(EngineMetricsTest, JobsFinishedByTypeAndStatus) {
  EngineMetrics m;
  m.JobFinished(JobType::kFlush, JobStatus::kCompleted);
  m.JobFinished(JobType::kFlush, JobStatus::kCompleted);
  m.JobFinished(JobType::kBackup, JobStatus::kFailed);
  EXPECT_EQ(m.jobs_finished[static_cast<size_t>(JobType::kFlush)][static_cast<size_t>(JobStatus::kCompleted)].value(),
            2u);
  EXPECT_EQ(m.jobs_finished[static_cast<size_t>(JobType::kBackup)][static_cast<size_t>(JobStatus::kFailed)].value(),
            1u);
}

}  // namespace
}  // namespace kalam
