#include "kalam/commons/temp_dir.h"
#include "kalam/system/job_repository.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/registry/schema_registry.h"
#include "kalam/store/storage_backend.h"
#include "kalam/system/system_tables.h"

namespace kalam::system {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;


// A record with every field set to a distinct value, so a codec that swaps two fields fails.
JobRecord FullRecord() {
  JobRecord j;
  j.id = JobId("FL-0123456789ab");
  j.type = JobType::kStreamEviction;
  j.status = JobStatus::kRetrying;
  j.parameters_json = R"({"table_id":"app.messages","user_id":"alice"})";
  j.message = "attempt 1 failed";
  j.exception_trace = "IO_ERROR: disk full";
  j.idempotency_key = "flush:app.messages";
  j.queue = "maintenance";
  j.priority = -2;
  j.retry_count = 1;
  j.max_retries = 5;
  j.memory_used = 1 << 20;
  j.cpu_used = 1234;
  j.created_at_us = 1730000000000001;
  j.updated_at_us = 1730000000000002;
  j.started_at_us = 1730000000000003;
  j.finished_at_us = 1730000000000004;
  return j;
}

void ExpectSameRecord(const JobRecord& a, const JobRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.parameters_json, b.parameters_json);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.exception_trace, b.exception_trace);
  EXPECT_EQ(a.idempotency_key, b.idempotency_key);
  EXPECT_EQ(a.queue, b.queue);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.retry_count, b.retry_count);
  EXPECT_EQ(a.max_retries, b.max_retries);
  EXPECT_EQ(a.memory_used, b.memory_used);
  EXPECT_EQ(a.cpu_used, b.cpu_used);
  EXPECT_EQ(a.created_at_us, b.created_at_us);
  EXPECT_EQ(a.updated_at_us, b.updated_at_us);
  EXPECT_EQ(a.started_at_us, b.started_at_us);
  EXPECT_EQ(a.finished_at_us, b.finished_at_us);
}

class JobRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    repo_ = std::make_unique<JobRepository>(*backend_);
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<JobRepository> repo_;
};

TEST(JobRepositoryCodecTest, EncodeDecodeRoundTripsEveryField) {
  const JobRecord original = FullRecord();
  auto decoded = JobRepository::Decode(JobRepository::Encode(original));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ExpectSameRecord(*decoded, original);
}

TEST(JobRepositoryCodecTest, DecodeRefusesDamagedBytes) {
  const std::string bytes = JobRepository::Encode(FullRecord());
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto decoded = JobRepository::Decode(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << len << " bytes decoded";
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
  EXPECT_EQ(JobRepository::Decode(bytes + "x").status().code(), StatusCode::kCorruption);
  std::string bad_format = bytes;
  bad_format[0] = 9;
  EXPECT_EQ(JobRepository::Decode(bad_format).status().code(), StatusCode::kCorruption);
  std::string bad_type = bytes;
  bad_type[1 + 1 + FullRecord().id.str().size()] = 42;  // format, id length, id, then the type byte
  EXPECT_EQ(JobRepository::Decode(bad_type).status().code(), StatusCode::kCorruption);
}

TEST_F(JobRepositoryTest, PutGetDeleteRoundTrip) {
  const JobRecord job = FullRecord();
  ASSERT_TRUE(repo_->Put(job).ok());
  auto got = repo_->Get(job.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSameRecord(**got, job);

  JobRecord updated = job;
  updated.status = JobStatus::kCompleted;
  updated.message = "Flushed 3 row(s) to 1 file(s)";
  ASSERT_TRUE(repo_->Put(updated).ok());
  got = repo_->Get(job.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, JobStatus::kCompleted);
  EXPECT_EQ((*got)->message, "Flushed 3 row(s) to 1 file(s)");

  ASSERT_TRUE(repo_->Delete(job.id).ok());
  got = repo_->Get(job.id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  EXPECT_TRUE(repo_->Delete(job.id).ok());
}

TEST_F(JobRepositoryTest, GetOfUnknownIdIsEmpty) {
  auto got = repo_->Get(JobId("FL-ffffffffffff"));
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(JobRepositoryTest, PutRefusesAnEmptyId) {
  EXPECT_EQ(repo_->Put(JobRecord{}).code(), StatusCode::kInvalidArgument);
}

TEST_F(JobRepositoryTest, ListIsNewestFirstAndSurvivesReopen) {
  const std::vector<std::pair<std::string, int64_t>> jobs = {
      {"FL-aaaaaaaaaaaa", 300}, {"CL-000000000000", 100}, {"RT-ffffffffffff", 200}};
  for (const auto& [id, created] : jobs) {
    JobRecord j;
    j.id = JobId(id);
    j.created_at_us = created;
    ASSERT_TRUE(repo_->Put(j).ok());
  }
  repo_.reset();
  backend_.reset();
  auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  backend_ = std::move(backend).value();
  repo_ = std::make_unique<JobRepository>(*backend_);

  auto listed = repo_->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> ids;
  for (const JobRecord& j : *listed) ids.push_back(j.id.str());
  EXPECT_THAT(ids, ElementsAre("FL-aaaaaaaaaaaa", "RT-ffffffffffff", "CL-000000000000"));
}

TEST_F(JobRepositoryTest, ListSeesOnlyJobKeysAndReportsCorruption) {
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "jobx", "not a job").ok());
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "usr/alice", "not a job").ok());
  auto listed = repo_->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_THAT(*listed, IsEmpty());

  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "job/FL-000000000000", "garbage").ok());
  EXPECT_EQ(repo_->List().status().code(), StatusCode::kCorruption);
  EXPECT_EQ(repo_->Get(JobId("FL-000000000000")).status().code(), StatusCode::kCorruption);
}

// --- system.jobs rendering -----------------------------------------------------------------

bool IsNull(const Cell& c) { return std::holds_alternative<std::monostate>(c); }

class JobsTableTest : public JobRepositoryTest {
 protected:
  void SetUp() override {
    JobRepositoryTest::SetUp();
    auto registry = registry::SchemaRegistry::Open(*backend_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    tables_ = std::make_unique<SystemTables>(*registry_);
  }

  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<SystemTables> tables_;
};

TEST_F(JobsTableTest, ColumnsFollowTheProtocolWithTheirTypes) {
  const RowSet rs = tables_->Jobs({});
  EXPECT_THAT(rs.rows, IsEmpty());
  std::vector<std::string> names;
  std::vector<TypeKind> kinds;
  for (const auto& c : rs.columns) {
    names.push_back(c.name);
    kinds.push_back(c.type.kind);
  }
  EXPECT_THAT(names, ElementsAre("job_id", "job_type", "status", "parameters", "message", "exception_trace",
                                 "idempotency_key", "queue", "priority", "retry_count", "max_retries", "memory_used",
                                 "cpu_used", "created_at", "updated_at", "started_at", "finished_at"));
  using K = TypeKind;
  EXPECT_THAT(kinds, ElementsAre(K::kText, K::kText, K::kText, K::kJson, K::kText, K::kText, K::kText, K::kText,
                                 K::kInt, K::kInt, K::kInt, K::kBigInt, K::kBigInt, K::kTimestamp, K::kTimestamp,
                                 K::kTimestamp, K::kTimestamp));
  EXPECT_EQ(rs.columns.size(), SystemTables::Columns("jobs").size());
}

TEST_F(JobsTableTest, RendersAStoredRecord) {
  JobRecord job = FullRecord();
  job.type = JobType::kFlush;
  job.status = JobStatus::kCompleted;
  ASSERT_TRUE(repo_->Put(job).ok());
  auto listed = repo_->List();
  ASSERT_TRUE(listed.ok());
  const RowSet rs = tables_->Jobs(*listed);
  ASSERT_EQ(rs.rows.size(), 1u);
  const auto& row = rs.rows[0];
  ASSERT_EQ(row.size(), rs.columns.size());
  EXPECT_EQ(std::get<std::string>(row[0]), "FL-0123456789ab");
  EXPECT_EQ(std::get<std::string>(row[1]), "flush");
  EXPECT_EQ(std::get<std::string>(row[2]), "completed");
  EXPECT_EQ(std::get<std::string>(row[3]), R"({"table_id":"app.messages","user_id":"alice"})");
  EXPECT_EQ(std::get<std::string>(row[4]), "attempt 1 failed");
  EXPECT_EQ(std::get<std::string>(row[5]), "IO_ERROR: disk full");
  EXPECT_EQ(std::get<std::string>(row[6]), "flush:app.messages");
  EXPECT_EQ(std::get<std::string>(row[7]), "maintenance");
  EXPECT_EQ(std::get<int64_t>(row[8]), -2);
  EXPECT_EQ(std::get<int64_t>(row[9]), 1);
  EXPECT_EQ(std::get<int64_t>(row[10]), 5);
  EXPECT_EQ(std::get<int64_t>(row[11]), 1 << 20);
  EXPECT_EQ(std::get<int64_t>(row[12]), 1234);
  EXPECT_EQ(std::get<int64_t>(row[13]), 1730000000000001);
  EXPECT_EQ(std::get<int64_t>(row[14]), 1730000000000002);
  EXPECT_EQ(std::get<int64_t>(row[15]), 1730000000000003);
  EXPECT_EQ(std::get<int64_t>(row[16]), 1730000000000004);
}

TEST_F(JobsTableTest, UnsetTimesAndEmptyTextsAreNull) {
  JobRecord job;
  job.id = JobId("BK-00000000000f");
  job.type = JobType::kBackup;
  job.status = JobStatus::kQueued;
  job.created_at_us = job.updated_at_us = 42;
  const RowSet rs = tables_->Jobs({job});
  ASSERT_EQ(rs.rows.size(), 1u);
  const auto& row = rs.rows[0];
  EXPECT_EQ(std::get<std::string>(row[1]), "backup");
  EXPECT_EQ(std::get<std::string>(row[2]), "queued");
  for (size_t i : {3, 4, 5, 6, 15, 16}) EXPECT_TRUE(IsNull(row[i])) << rs.columns[i].name;
  EXPECT_EQ(std::get<std::string>(row[7]), "default");
  EXPECT_EQ(std::get<int64_t>(row[10]), 3);
  EXPECT_EQ(std::get<int64_t>(row[13]), 42);
  EXPECT_EQ(std::get<int64_t>(row[14]), 42);
}

}  // namespace
}  // namespace kalam::system
