#include "kalam/commons/job.h"

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kalam {
namespace {

constexpr JobType kAllTypes[] = {JobType::kFlush,          JobType::kCleanup,     JobType::kRetention,
                                 JobType::kStreamEviction, JobType::kUserCleanup, JobType::kCompact,
                                 JobType::kBackup,         JobType::kRestore};
constexpr JobStatus kAllStatuses[] = {JobStatus::kNew,       JobStatus::kQueued,    JobStatus::kRunning,
                                      JobStatus::kRetrying,  JobStatus::kCompleted, JobStatus::kFailed,
                                      JobStatus::kCancelled, JobStatus::kSkipped};

TEST(JobTest, TypeWireNamesAndPrefixesFollowTheProtocol) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"flush", "FL"},     {"cleanup", "CL"}, {"retention", "RT"}, {"stream_eviction", "SE"},
      {"user_cleanup", "UC"}, {"compact", "CO"}, {"backup", "BK"},  {"restore", "RS"}};
  for (size_t i = 0; i < std::size(kAllTypes); ++i) {
    EXPECT_EQ(JobTypeName(kAllTypes[i]), expected[i].first);
    EXPECT_EQ(JobIdPrefix(kAllTypes[i]), expected[i].second);
    EXPECT_EQ(ParseJobType(expected[i].first), kAllTypes[i]);
  }
  EXPECT_EQ(ParseJobType("STREAM_EVICTION"), JobType::kStreamEviction);
  EXPECT_EQ(ParseJobType("stream-eviction"), std::nullopt);
  EXPECT_EQ(ParseJobType(""), std::nullopt);
}

TEST(JobTest, StatusWireNamesRoundTrip) {
  const std::vector<std::string> expected = {"new",       "queued", "running",   "retrying",
                                             "completed", "failed", "cancelled", "skipped"};
  for (size_t i = 0; i < std::size(kAllStatuses); ++i) {
    EXPECT_EQ(JobStatusName(kAllStatuses[i]), expected[i]);
    EXPECT_EQ(ParseJobStatus(expected[i]), kAllStatuses[i]);
  }
  EXPECT_EQ(ParseJobStatus("Completed"), JobStatus::kCompleted);
  EXPECT_EQ(ParseJobStatus("canceled"), std::nullopt);
}

TEST(JobTest, OnlyTerminalStatusesAreFinished) {
  EXPECT_FALSE(IsFinished(JobStatus::kNew));
  EXPECT_FALSE(IsFinished(JobStatus::kQueued));
  EXPECT_FALSE(IsFinished(JobStatus::kRunning));
  EXPECT_FALSE(IsFinished(JobStatus::kRetrying));
  EXPECT_TRUE(IsFinished(JobStatus::kCompleted));
  EXPECT_TRUE(IsFinished(JobStatus::kFailed));
  EXPECT_TRUE(IsFinished(JobStatus::kCancelled));
  EXPECT_TRUE(IsFinished(JobStatus::kSkipped));
}

TEST(JobTest, MaintenanceTypesAreIdempotentOperatorTypesAreNot) {
  EXPECT_TRUE(IsIdempotent(JobType::kFlush));
  EXPECT_TRUE(IsIdempotent(JobType::kCleanup));
  EXPECT_TRUE(IsIdempotent(JobType::kRetention));
  EXPECT_TRUE(IsIdempotent(JobType::kStreamEviction));
  EXPECT_TRUE(IsIdempotent(JobType::kUserCleanup));
  EXPECT_FALSE(IsIdempotent(JobType::kCompact));
  EXPECT_FALSE(IsIdempotent(JobType::kBackup));
  EXPECT_FALSE(IsIdempotent(JobType::kRestore));
}

TEST(JobTest, NewJobIdHasPrefixAndTwelveLowercaseHexDigits) {
  for (JobType type : kAllTypes) {
    const JobId id = NewJobId(type);
    const std::regex pattern(std::string("^").append(JobIdPrefix(type)).append("-[0-9a-f]{12}$"));
    EXPECT_TRUE(std::regex_match(id.str(), pattern)) << id.str();
  }
}

TEST(JobTest, NewJobIdsDoNotRepeatAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(NewJobId(JobType::kFlush).str());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), size_t{kThreads * kPerThread});
}

TEST(JobTest, RecordDefaults) {
  JobRecord r;
  EXPECT_EQ(r.status, JobStatus::kNew);
  EXPECT_EQ(r.queue, "default");
  EXPECT_EQ(r.priority, 0);
  EXPECT_EQ(r.retry_count, 0);
  EXPECT_EQ(r.max_retries, 3);
  EXPECT_EQ(r.started_at_us, 0);
  EXPECT_EQ(r.finished_at_us, 0);
}

}  // namespace
}  // namespace kalam
