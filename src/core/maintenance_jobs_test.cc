// Cleanup, retention and user_cleanup jobs, and primary-key pruning of cold reads, through
// the engine. Job executors are called directly; a fake submitter stands in for the job
// manager where a statement queues a job.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "engine_test_util.h"
#include "kalam/commons/job_submitter.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr int64_t kHour = int64_t{3600} * 1000 * 1000;

// Records submissions instead of running them.
class FakeSubmitter : public JobSubmitter {
 public:
  struct Submitted {
    JobType type;
    std::string key;
    std::string parameters;
  };
  Result<JobSubmission> Submit(JobType type, std::string key, std::string parameters) override {
    std::lock_guard lock(mu_);
    submitted.push_back({type, key, parameters});
    char id[32];
    std::snprintf(id, sizeof(id), "%s-%012zx", std::string(JobIdPrefix(type)).c_str(), submitted.size());
    return JobSubmission{JobId(id), false};
  }
  Status Kill(const JobId&, std::string*) override { return Status::NotFound("no"); }

  std::mutex mu_;
  std::vector<Submitted> submitted;
};

class MaintenanceJobsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
  std::string StorageDir() const { return dir_.path() + "/storage"; }
  std::vector<std::string> Files(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

// ---- cleanup -----------------------------------------------------------------------------

TEST_F(MaintenanceJobsTest, EmbeddedDropTableDeletesInline) {
  Run(Root(), "CREATE SHARED TABLE app.s (id INT PRIMARY KEY)");
  Run(Root(), "INSERT INTO app.s VALUES (1)");
  Run(Root(), "FLUSH TABLE app.s");
  ASSERT_TRUE(std::filesystem::exists(StorageDir() + "/app/s/batch-0.parquet"));
  EXPECT_EQ(Run(Root(), "DROP TABLE app.s").message, "Table app.s dropped successfully");
  EXPECT_FALSE(std::filesystem::exists(StorageDir() + "/app/s"));
}

TEST_F(MaintenanceJobsTest, DropTableQueuesCleanupAndRecreatedTableStartsEmpty) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'old')");
  Run(Root(), "FLUSH TABLE app.m");
  ASSERT_TRUE(std::filesystem::exists(StorageDir() + "/app/m/alice/batch-0.parquet"));
  FakeSubmitter jobs;
  engine_->SetJobSubmitter(&jobs);
  auto dropped = Run(Root(), "DROP TABLE app.m");
  EXPECT_THAT(dropped.message, MatchesRegex("Table app\\.m dropped successfully\\. Cleanup job: CL-[0-9a-f]{12}"));
  ASSERT_THAT(jobs.submitted, SizeIs(1));
  EXPECT_EQ(jobs.submitted[0].type, JobType::kCleanup);
  const std::string params = jobs.submitted[0].parameters;
  EXPECT_THAT(params, HasSubstr("\"table_id\":\"app.m\""));
  EXPECT_THAT(params, HasSubstr("\"table_type\":\"user\""));
  EXPECT_THAT(params, HasSubstr("\"storage_id\":\"local\""));
  EXPECT_THAT(params, HasSubstr("\"table_dir\":\"app/m\""));
  // Moved aside at once: a table created again under the name sees none of the old files.
  EXPECT_FALSE(std::filesystem::exists(StorageDir() + "/app/m"));
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  EXPECT_THAT(Query(As("alice"), "SELECT id FROM app.m"), IsEmpty());
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'new')");

  auto first = engine_->maintenance().RunJob(JobType::kCleanup, params);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->message, "Removed files of table app.m");
  EXPECT_THAT(Files(StorageDir() + "/app"), IsEmpty());
  // Idempotent: running it again (a retry, or after a crash) finds nothing and succeeds.
  auto again = engine_->maintenance().RunJob(JobType::kCleanup, params);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->message, "No files left for table app.m");
  EXPECT_THAT(Query(As("alice"), "SELECT id, body FROM app.m"), ElementsAre("1|new"));
  // Parameters that do not name a DROP TABLE trash directory are refused.
  EXPECT_FALSE(engine_->maintenance().RunJob(JobType::kCleanup,
                         "{\"table_id\":\"app.m\",\"table_type\":\"user\",\"table_number\":1,\"storage_id\":\"local\","
                         "\"table_dir\":\"app/m\",\"trash_dir\":\"app\"}")
                   .ok());
  engine_->SetJobSubmitter(nullptr);
}

// The cleanup job deletes only what KalamDB wrote; other files return to where they were.
TEST_F(MaintenanceJobsTest, CleanupKeepsFilesKalamDbDidNotWrite) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1)");
  Run(Root(), "FLUSH TABLE app.m");
  ASSERT_TRUE(std::filesystem::exists(StorageDir() + "/app/m/alice/batch-0.parquet"));
  std::ofstream(StorageDir() + "/app/m/README") << "keep";
  std::ofstream(StorageDir() + "/app/m/alice/notes.txt") << "keep";
  FakeSubmitter jobs;
  engine_->SetJobSubmitter(&jobs);
  Run(Root(), "DROP TABLE app.m");
  ASSERT_THAT(jobs.submitted, SizeIs(1));
  auto cleaned = engine_->maintenance().RunJob(JobType::kCleanup, jobs.submitted[0].parameters);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  EXPECT_EQ(cleaned->message, "Removed files of table app.m; kept 2 file(s) KalamDB did not write in 'app/m'");
  EXPECT_THAT(Files(StorageDir() + "/app/m"), ElementsAre("README", "alice"));
  EXPECT_THAT(Files(StorageDir() + "/app/m/alice"), ElementsAre("notes.txt"));
  engine_->SetJobSubmitter(nullptr);
}

TEST_F(MaintenanceJobsTest, DropNamespaceQueuesOneCleanupPerTable) {
  Run(Root(), "CREATE SHARED TABLE app.a (v INT)");
  Run(Root(), "CREATE SHARED TABLE app.b (v INT)");
  Run(Root(), "CREATE STREAM TABLE app.st (v INT)");
  Run(Root(), "INSERT INTO app.a VALUES (1)");
  Run(Root(), "FLUSH TABLE app.a");
  FakeSubmitter jobs;
  engine_->SetJobSubmitter(&jobs);
  EXPECT_EQ(Run(Root(), "DROP NAMESPACE app").message, "Namespace 'app' dropped successfully");
  engine_->SetJobSubmitter(nullptr);
  ASSERT_THAT(jobs.submitted, SizeIs(2));  // STREAM tables have no files
  for (const auto& job : jobs.submitted) {
    EXPECT_EQ(job.type, JobType::kCleanup);
    EXPECT_TRUE(engine_->maintenance().RunJob(JobType::kCleanup, job.parameters).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(StorageDir() + "/app/a"));
  EXPECT_THAT(Files(StorageDir() + "/app"), IsEmpty());
}

// ---- retention ---------------------------------------------------------------------------

TEST_F(MaintenanceJobsTest, RetentionPurgesOldTombstonesInBothTiers) {
  Run(Root(), "CREATE SHARED TABLE app.t (id INT PRIMARY KEY, v TEXT) WITH (DELETED_RETENTION_HOURS = 1)");
  Run(Root(), "INSERT INTO app.t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f')");
  Run(Root(), "FLUSH TABLE app.t");                  // batch-0: 1..6
  Run(Root(), "UPDATE app.t SET v = 'b2' WHERE id = 2");
  Run(Root(), "DELETE FROM app.t WHERE id IN (3, 5)");
  Run(Root(), "FLUSH TABLE app.t");                  // batch-1: 2 (b2), 3 and 5 (tombstones)
  Run(Root(), "DELETE FROM app.t WHERE id = 6");     // hot tombstone, older version in batch-0
  Run(Root(), "INSERT INTO app.t VALUES (7, 'g')");
  Run(Root(), "DELETE FROM app.t WHERE id = 7");     // hot tombstone, nothing in Parquet
  const auto live = Query(Root(), "SELECT id, v FROM app.t ORDER BY id");
  EXPECT_THAT(live, ElementsAre("1|a", "2|b2", "4|d"));
  EXPECT_THAT(Query(Root(), "SELECT id FROM app.t WHERE _deleted = true ORDER BY id"), ElementsAre("3", "5", "6", "7"));

  // Not old enough yet.
  auto early = engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.t\"}");
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_THAT(early->message, StartsWith("Purged 0 tombstone(s)"));
  ASSERT_THAT(engine_->maintenance().TablesDueForRetention(NowMicros()).value(), IsEmpty());
  EXPECT_THAT(engine_->maintenance().TablesDueForRetention(NowMicros() + 2 * kHour).value(), SizeIs(1));

  auto purged = engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.t\"}",
                                              NowMicros() + 2 * kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  // 3 and 5 from Parquet (both segments rewritten: batch-0 held their older versions), 7
  // from the hot tier; 6 stays until a flush moves it next to its older version.
  EXPECT_EQ(purged->message, "Purged 3 tombstone(s) older than 1 hour(s) (1 hot, 2 cold; 2 segment(s) rewritten)");
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.t ORDER BY id"), ElementsAre("1|a", "2|b2", "4|d"));
  EXPECT_THAT(Query(Root(), "SELECT id FROM app.t WHERE _deleted = true ORDER BY id"), ElementsAre("6"));
  // The replaced files stay until the scope's next flush (a scan may still be reading them).
  EXPECT_THAT(Files(StorageDir() + "/app/t"),
              ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-2.parquet", "batch-3.parquet", "manifest.json"));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.t"), ElementsAre(StartsWith("app|t|shared|1|1|5|2|")));

  Run(Root(), "FLUSH TABLE app.t");
  EXPECT_THAT(Files(StorageDir() + "/app/t"), ::testing::Not(::testing::Contains("batch-0.parquet")));
  auto second = engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.t\"}",
                                              NowMicros() + 2 * kHour);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_THAT(second->message, StartsWith("Purged 1 tombstone(s)"));
  EXPECT_THAT(Query(Root(), "SELECT id FROM app.t WHERE _deleted = true"), IsEmpty());
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.t ORDER BY id"), ElementsAre("1|a", "2|b2", "4|d"));
  // Purged keys may be inserted again, and no older version comes back.
  Run(Root(), "INSERT INTO app.t VALUES (3, 'c2'), (6, 'f2'), (7, 'g2')");
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.t ORDER BY id"),
              ElementsAre("1|a", "2|b2", "3|c2", "4|d", "6|f2", "7|g2"));
  EXPECT_THAT(Query(Root(), "SELECT v FROM app.t WHERE id = 6"), ElementsAre("f2"));
  // Idempotent.
  auto third = engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.t\"}",
                                              NowMicros() + 2 * kHour);
  ASSERT_TRUE(third.ok());
  EXPECT_THAT(third->message, StartsWith("Purged 0 tombstone(s)"));
  // And everything survives a restart (manifest and files agree).
  Reopen();
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.t ORDER BY id"),
              ElementsAre("1|a", "2|b2", "3|c2", "4|d", "6|f2", "7|g2"));
}

TEST_F(MaintenanceJobsTest, RetentionWithoutPrimaryKeyAndPerUser) {
  Run(Root(), "CREATE USER TABLE app.u (v INT) WITH (DELETED_RETENTION_HOURS = 1)");
  Run(As("alice"), "INSERT INTO app.u VALUES (1), (2), (3)");
  Run(As("bob"), "INSERT INTO app.u VALUES (10), (20)");
  Run(Root(), "FLUSH TABLE app.u");
  Run(As("alice"), "DELETE FROM app.u WHERE v = 2");
  Run(As("bob"), "DELETE FROM app.u WHERE v = 10");
  Run(Root(), "FLUSH TABLE app.u");
  auto purged = engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.u\"}",
                                              NowMicros() + 2 * kHour);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_THAT(purged->message, StartsWith("Purged 2 tombstone(s)"));
  EXPECT_THAT(Query(As("alice"), "SELECT v FROM app.u ORDER BY v"), ElementsAre("1", "3"));
  EXPECT_THAT(Query(As("bob"), "SELECT v FROM app.u ORDER BY v"), ElementsAre("20"));
  EXPECT_THAT(Query(As("alice"), "SELECT v FROM app.u WHERE _deleted = true"), IsEmpty());
  EXPECT_THAT(Query(As("bob"), "SELECT v FROM app.u WHERE _deleted = true"), IsEmpty());
  // A missing table is skipped, not failed.
  EXPECT_THAT(engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.gone\"}").value().message,
              StartsWith("Skipped"));
}

// ---- user_cleanup ------------------------------------------------------------------------

TEST_F(MaintenanceJobsTest, UserCleanupPurgesAfterGracePeriod) {
  Run(Root(), "CREATE USER 'carol' WITH PASSWORD 'Secret123!' ROLE 'user'");
  Run(Root(), "CREATE USER 'dave' WITH PASSWORD 'Secret123!' ROLE 'user'");
  Run(Root(), "CREATE USER TABLE app.m (id INT PRIMARY KEY)");
  Run(Root(), "CREATE USER TABLE app.n (id INT PRIMARY KEY)");
  Run(As("carol"), "INSERT INTO app.m VALUES (1), (2)");
  Run(As("dave"), "INSERT INTO app.m VALUES (1)");
  Run(Root(), "FLUSH TABLE app.m");
  Run(As("carol"), "INSERT INTO app.m VALUES (3)");
  Run(As("carol"), "INSERT INTO app.n VALUES (9)");
  Run(Root(), "DROP USER 'carol'");
  const std::string params = "{\"user_id\":\"carol\"}";

  EXPECT_THAT(engine_->maintenance().UsersDueForCleanup(NowMicros()).value(), IsEmpty());
  EXPECT_THAT(engine_->maintenance().RunJob(JobType::kUserCleanup, params).value().message, StartsWith("Skipped"));
  const int64_t later = NowMicros() + 31 * 24 * kHour;
  auto due = engine_->maintenance().UsersDueForCleanup(later);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, ElementsAre(UserId("carol")));

  auto purged = engine_->maintenance().RunJob(JobType::kUserCleanup, params, later);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->message, "Purged user 'carol' and its rows in 2 table(s)");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/storage/app/m/carol"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/storage/app/m/dave/batch-0.parquet"));
  EXPECT_THAT(Query(As("carol"), "SELECT id FROM app.m"), IsEmpty());
  EXPECT_THAT(Query(As("carol"), "SELECT id FROM app.n"), IsEmpty());
  EXPECT_THAT(Query(As("dave"), "SELECT id FROM app.m"), ElementsAre("1"));
  EXPECT_THAT(Query(Root(), "SELECT user_id FROM system.users WHERE user_id = 'carol'"), IsEmpty());
  // Idempotent; the id may be created again from scratch, and its keys are free.
  EXPECT_THAT(engine_->maintenance().RunJob(JobType::kUserCleanup, params, later).value().message,
              StartsWith("Skipped"));
  Run(Root(), "CREATE USER 'carol' WITH PASSWORD 'Secret123!' ROLE 'user'");
  Run(As("carol"), "INSERT INTO app.m VALUES (1)");
  EXPECT_THAT(Query(As("carol"), "SELECT id FROM app.m"), ElementsAre("1"));
}

TEST_F(MaintenanceJobsTest, UserCleanupSkipsReactivatedUser) {
  Run(Root(), "CREATE USER 'erin' WITH PASSWORD 'Secret123!' ROLE 'user'");
  Run(Root(), "CREATE USER TABLE app.m (id INT PRIMARY KEY)");
  Run(As("erin"), "INSERT INTO app.m VALUES (1)");
  Run(Root(), "DROP USER 'erin'");
  Run(Root(), "CREATE USER 'erin' WITH PASSWORD 'Secret123!' ROLE 'user'");
  const int64_t later = NowMicros() + 31 * 24 * kHour;
  EXPECT_THAT(engine_->maintenance().UsersDueForCleanup(later).value(), IsEmpty());
  EXPECT_EQ(engine_->maintenance().RunJob(JobType::kUserCleanup, "{\"user_id\":\"erin\"}", later).value().message,
            "Skipped: user 'erin' was reactivated");
  EXPECT_THAT(Query(As("erin"), "SELECT id FROM app.m"), ElementsAre("1"));
}

// ---- primary-key pruning of cold reads ---------------------------------------------------

// Lookups that the scan can prune (`id = k`, `_seq > x`) must answer exactly what the same
// predicates answer when written so that no hint reaches the scan (`id + 0 = k`).
class PruningTest : public MaintenanceJobsTest {
 protected:
  void ExpectSameAnswers(Session& s, const std::string& table, const std::vector<std::string>& keys) {
    for (const std::string& k : keys) {
      const std::string pruned = "SELECT * FROM " + table + " WHERE id = " + k + " ORDER BY _seq";
      const std::string plain = "SELECT * FROM " + table + " WHERE (id || '') = (" + k + " || '') ORDER BY _seq";
      EXPECT_EQ(Query(s, pruned), Query(s, plain)) << "key " << k;
      const std::string pruned_del = "SELECT id, _deleted FROM " + table + " WHERE _deleted = true AND id = " + k;
      const std::string plain_del =
          "SELECT id, _deleted FROM " + table + " WHERE _deleted = true AND (id || '') = (" + k + " || '')";
      EXPECT_EQ(Query(s, pruned_del), Query(s, plain_del)) << "key " << k;
    }
  }
};

TEST_F(PruningTest, PrimaryKeyLookupsMatchUnprunedReads) {
  Run(Root(), "CREATE SHARED TABLE app.p (id BIGINT PRIMARY KEY, v INT)");
  // Several segments with overlapping and disjoint key ranges, updates and deletes spread
  // across them, and some versions left hot.
  Run(Root(), "INSERT INTO app.p SELECT i, i FROM range(0, 100) t(i)");
  Run(Root(), "FLUSH TABLE app.p");
  Run(Root(), "INSERT INTO app.p SELECT i, i FROM range(100, 200) t(i)");
  Run(Root(), "UPDATE app.p SET v = v + 1000 WHERE id % 7 = 0");
  Run(Root(), "FLUSH TABLE app.p");
  Run(Root(), "DELETE FROM app.p WHERE id % 11 = 0");
  Run(Root(), "INSERT INTO app.p SELECT i, i FROM range(200, 250) t(i)");
  Run(Root(), "FLUSH TABLE app.p");
  Run(Root(), "INSERT INTO app.p VALUES (0, -1), (11, -11), (500, 500)");  // keys deleted before
  Run(Root(), "UPDATE app.p SET v = v + 1 WHERE id % 13 = 0");
  Run(Root(), "FLUSH TABLE app.p");
  Run(Root(), "DELETE FROM app.p WHERE id % 17 = 0");  // hot tombstones over cold rows
  Run(Root(), "UPDATE app.p SET v = -v WHERE id = 14");
  ExpectSameAnswers(Root(), "app.p",
                    {"0", "1", "7", "11", "13", "14", "17", "22", "99", "100", "143", "154", "199", "200", "221",
                     "249", "250", "500", "501", "-1", "1000000"});
  // `_seq` lower bounds give the same rows with and without the hint.
  auto seqs = Query(Root(), "SELECT _seq FROM app.p ORDER BY _seq");
  ASSERT_FALSE(seqs.empty());
  for (size_t i : {size_t{0}, seqs.size() / 3, seqs.size() / 2, seqs.size() - 1}) {
    EXPECT_EQ(Query(Root(), "SELECT id, v, _seq FROM app.p WHERE _seq > " + seqs[i] + " ORDER BY id"),
              Query(Root(), "SELECT id, v, _seq FROM app.p WHERE _seq + 0 > " + seqs[i] + " ORDER BY id"));
    EXPECT_EQ(Query(Root(), "SELECT id, _deleted FROM app.p WHERE _deleted = true AND _seq > " + seqs[i] + " ORDER BY id"),
              Query(Root(),
                    "SELECT id, _deleted FROM app.p WHERE _deleted = true AND _seq + 0 > " + seqs[i] + " ORDER BY id"));
  }
  // After retention rewrote segments, the rewritten statistics still prune correctly.
  ASSERT_TRUE(engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.p\"}", NowMicros() + 200 * kHour).ok());
  ExpectSameAnswers(Root(), "app.p", {"0", "11", "14", "17", "22", "154", "500"});
}

TEST_F(PruningTest, TextAndPerUserKeys) {
  Run(Root(), "CREATE USER TABLE app.k (id TEXT PRIMARY KEY, v INT)");
  Run(As("alice"), "INSERT INTO app.k VALUES ('a', 1), ('b', 2), ('c''q', 3)");
  Run(Root(), "FLUSH TABLE app.k");
  Run(As("alice"), "INSERT INTO app.k VALUES ('x', 4), ('y', 5)");
  Run(As("alice"), "UPDATE app.k SET v = 20 WHERE id = 'b'");
  Run(Root(), "FLUSH TABLE app.k");
  Run(As("alice"), "DELETE FROM app.k WHERE id = 'a'");
  Run(As("bob"), "INSERT INTO app.k VALUES ('a', 100)");
  Run(Root(), "FLUSH TABLE app.k");
  for (const std::string k : {"'a'", "'b'", "'c''q'", "'x'", "'y'", "'z'"}) {
    for (const char* user : {"alice", "bob"}) {
      EXPECT_EQ(Query(As(user), "SELECT * FROM app.k WHERE id = " + k),
                Query(As(user), "SELECT * FROM app.k WHERE id || '' = " + k))
          << user << " " << k;
    }
  }
  EXPECT_THAT(Query(As("alice"), "SELECT v FROM app.k WHERE id = 'b'"), ElementsAre("20"));
  EXPECT_THAT(Query(As("alice"), "SELECT v FROM app.k WHERE id = 'a'"), IsEmpty());
  EXPECT_THAT(Query(As("bob"), "SELECT v FROM app.k WHERE id = 'a'"), ElementsAre("100"));
}

}  // namespace
}  // namespace kalam::core::testing
