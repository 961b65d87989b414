// s3 storages end to end: the real server flushes to a real S3-compatible server (s3rver on a
// free loopback port, behind the fault-injecting front of tests/s3/test_server.js) and reads
// the segments back through its local cache.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "support/http_client.h"
#include "support/poll.h"
#include "support/s3_test_server.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string JsonEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Object keys s3rver holds below `prefix` of the bucket (its filesystem store keeps one
// "<key>._S3rver_object" file per object).
std::vector<std::string> StoredKeys(const std::string& s3_dir, const std::string& prefix) {
  std::vector<std::string> keys;
  const std::filesystem::path root = std::filesystem::path(s3_dir) / "kalam";
  const std::string suffix = "._S3rver_object";
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = std::filesystem::relative(it->path(), root).string();
    if (rel.size() > suffix.size() && rel.compare(rel.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        rel.rfind(prefix, 0) == 0) {
      keys.push_back(rel.substr(0, rel.size() - suffix.size()));
    }
  }
  return keys;
}

class S3StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!S3TestServer::Installed()) GTEST_SKIP() << "s3rver is not installed: run scripts/setup.sh";
    s3_ = std::make_unique<S3TestServer>(S3Dir(), "kalam");
    ASSERT_TRUE(s3_->running());
    StartServer();
  }

  std::string S3Dir() const { return dir_.path() + "/s3"; }

  void StartServer(std::map<std::string, std::string> env = {}) {
    server_.reset();
    env.emplace("KALAMDB_OBJECT_STORE_RETRY_BASE_DELAY_MS", "1");
    env.emplace("KALAMDB_OBJECT_STORE_MAX_RETRIES", "2");
    env.emplace("KALAMDB_OBJECT_STORE_REQUEST_TIMEOUT_MS", "1000");
    env.emplace("KALAMDB_JOBS_RETRY_BACKOFF_MS", "10");
    env.emplace("AWS_ACCESS_KEY_ID", "");  // unset unless a test sets them
    env.emplace("AWS_SECRET_ACCESS_KEY", "");
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->Start(dir_.path() + "/data", env)) << server_->output();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpResult Sql(const std::string& sql) { return client_->Sql("{\"sql\":\"" + JsonEscape(sql) + "\"}"); }
  std::string Ok(const std::string& sql) {
    HttpResult r = Sql(sql);
    EXPECT_EQ(r.status, 200) << sql << "\n" << r.body;
    return r.body;
  }

  std::string CreateStorage(const std::string& credentials) {
    return "CREATE STORAGE s3t TYPE s3 PATH 's3://kalam/db/${namespace}/${user_id}' CONFIG '{\"endpoint\": \"" +
           s3_->endpoint() + "\", \"path_style\": true}'" + credentials;
  }
  static std::string Credentials(const std::string& key) {
    return " CREDENTIALS '{\"access_key_id\": \"" + key + "\", \"secret_access_key\": \"S3RVER\"}'";
  }

  void CreateTable() {
    Ok("CREATE NAMESPACE IF NOT EXISTS app");
    Ok("CREATE SHARED TABLE app.msgs (id BIGINT PRIMARY KEY, body TEXT) STORAGE s3t");
  }
  void Insert(int from, int to) {
    std::string sql = "INSERT INTO app.msgs (id, body) VALUES ";
    for (int i = from; i < to; ++i)
      sql += (i > from ? ", (" : "(") + std::to_string(i) + ", 'm" + std::to_string(i) + "')";
    Ok(sql);
  }
  // Queues a flush and waits until no flush job is left to run; the last job's status.
  std::string FlushAndWait() {
    Ok("FLUSH TABLE app.msgs");
    const std::string unfinished =
        "SELECT count(*) FROM system.jobs WHERE job_type = 'flush' AND status IN ('new', 'queued', 'running', "
        "'retrying')";
    EXPECT_TRUE(PollUntil([&] { return Sql(unfinished).body.find(R"("rows":[["0"]])") != std::string::npos; }))
        << Sql("SELECT * FROM system.jobs").body;
    return Ok("SELECT status, message FROM system.jobs WHERE job_type = 'flush' ORDER BY created_at DESC LIMIT 1");
  }
  std::string Count() { return Ok("SELECT count(*), count(DISTINCT id) FROM app.msgs"); }
  // hot_rows, cold_rows and flushed_segments of SHOW STATS, e.g. "0/100/1".
  std::string Tiers() {
    const std::string body = Ok("SHOW STATS FOR TABLE app.msgs");
    std::smatch m;
    const std::regex cells(R"re("rows":\[\["app","msgs","[A-Za-z]+","?\d+"?,"?(\d+)"?,"?(\d+)"?,"?(\d+)"?)re");
    if (!std::regex_search(body, m, cells)) return body;
    return m[1].str() + "/" + m[2].str() + "/" + m[3].str();
  }

  TempDir dir_;
  std::unique_ptr<S3TestServer> s3_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(S3StorageTest, FlushedRowsAreReadBackAlsoAfterARestartWithAnEmptyCache) {
  EXPECT_THAT(Ok(CreateStorage(Credentials("S3RVER"))), HasSubstr("Storage 's3t' created"));
  CreateTable();
  Insert(0, 100);
  EXPECT_THAT(FlushAndWait(), HasSubstr("completed"));
  Insert(100, 150);
  EXPECT_THAT(FlushAndWait(), HasSubstr("completed"));
  EXPECT_EQ(Tiers(), "0/150/2");
  EXPECT_THAT(Count(), HasSubstr(R"([["150","150"]])"));
  EXPECT_THAT(Ok("SELECT body FROM app.msgs WHERE id = 120"), HasSubstr("m120"));
  EXPECT_THAT(StoredKeys(S3Dir(), "db/app/msgs/"),
              ::testing::UnorderedElementsAre("db/app/msgs/batch-0.parquet", "db/app/msgs/batch-1.parquet",
                                              "db/app/msgs/manifest.json"));

  // A restart on a machine without the cache (the server also empties it at start).
  server_.reset();
  const std::string cache = dir_.path() + "/data/object-cache/kalamdb-objects/s3t/app/msgs";
  std::filesystem::remove_all(dir_.path() + "/data/object-cache");
  StartServer();
  EXPECT_THAT(Count(), HasSubstr(R"([["150","150"]])"));
  EXPECT_THAT(Ok("SELECT body FROM app.msgs WHERE id = 7"), HasSubstr("m7"));
  EXPECT_TRUE(std::filesystem::exists(cache + "/batch-0.parquet"));
  EXPECT_TRUE(std::filesystem::exists(cache + "/batch-1.parquet"));

  const std::string check = Ok("STORAGE CHECK s3t EXTENDED");
  EXPECT_THAT(check, HasSubstr(R"(["list","ok",)"));
  EXPECT_THAT(check, HasSubstr(R"(["delete","ok",)"));
  EXPECT_THAT(check, HasSubstr(R"(["manifest app/msgs/manifest.json","ok","2 segment(s) present"])"));
  EXPECT_THAT(check, Not(HasSubstr("failed")));
}

TEST_F(S3StorageTest, CredentialsAreNeverShownOrLogged) {
  Ok(
      CreateStorage(" CREDENTIALS '{\"access_key_id\": \"S3RVER\", \"secret_access_key\": \"S3RVER\", "
                    "\"session_token\": \"tok-not-to-show\"}'"));
  const std::string shown = Ok("SHOW STORAGES") + Ok("SELECT * FROM system.storages");
  EXPECT_THAT(shown, HasSubstr("***"));
  EXPECT_THAT(shown, Not(HasSubstr("tok-not-to-show")));
  EXPECT_THAT(shown, Not(HasSubstr("secret_access_key")));
  CreateTable();
  Insert(0, 10);
  FlushAndWait();
  EXPECT_THAT(server_->AllOutput(), Not(HasSubstr("tok-not-to-show")));
}

TEST_F(S3StorageTest, WrongOrMissingCredentialsFailAtCreate) {
  HttpResult wrong = Sql(CreateStorage(Credentials("NOT-A-KEY")));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_THAT(wrong.body, HasSubstr("Storage check failed for 's3://kalam/db'"));
  EXPECT_THAT(wrong.body, HasSubstr("InvalidAccessKeyId"));
  HttpResult missing = Sql(CreateStorage(""));
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_THAT(missing.body, HasSubstr("has no credentials"));
  HttpResult no_bucket = Sql("CREATE STORAGE s3x TYPE s3 PATH 's3://missing-bucket/x' CONFIG '{\"endpoint\": \"" +
                             s3_->endpoint() + "\", \"path_style\": true}'" + Credentials("S3RVER"));
  EXPECT_EQ(no_bucket.status, 400) << no_bucket.body;
  EXPECT_THAT(no_bucket.body, HasSubstr("NoSuchBucket"));
  EXPECT_THAT(Ok("SELECT storage_id FROM system.storages"), Not(HasSubstr("s3")));
}

TEST_F(S3StorageTest, WrongCredentialsFailTheFlushAndKeepTheRows) {
  StartServer({{"AWS_ACCESS_KEY_ID", "S3RVER"}, {"AWS_SECRET_ACCESS_KEY", "S3RVER"}});
  Ok(CreateStorage(""));  // credentials from the environment
  CreateTable();
  Insert(0, 20);
  StartServer({{"AWS_ACCESS_KEY_ID", "NOT-A-KEY"}, {"AWS_SECRET_ACCESS_KEY", "S3RVER"}});
  Insert(20, 40);
  EXPECT_THAT(FlushAndWait(), HasSubstr("InvalidAccessKeyId"));
  // Reads of the table need its manifest, which the wrong key cannot read either: a clear error.
  HttpResult read = Sql("SELECT count(*) FROM app.msgs");
  EXPECT_NE(read.status, 200);
  EXPECT_THAT(read.body, HasSubstr("S3 refused access (InvalidAccessKeyId)"));
  // With the right key again every acknowledged row is there, still hot.
  StartServer({{"AWS_ACCESS_KEY_ID", "S3RVER"}, {"AWS_SECRET_ACCESS_KEY", "S3RVER"}});
  EXPECT_THAT(Count(), HasSubstr(R"([["40","40"]])"));
  EXPECT_EQ(Tiers(), "40/0/0");
}

TEST_F(S3StorageTest, ServerErrorsAndTimeoutsMidFlushLoseNoAcknowledgedRow) {
  Ok(CreateStorage(Credentials("S3RVER")));
  CreateTable();
  Insert(0, 100);
  // Every upload fails: the flush fails for good, the rows stay hot.
  ASSERT_TRUE(s3_->FailNext(1000, 500, "PUT"));
  EXPECT_THAT(FlushAndWait(), HasSubstr("failed"));
  ASSERT_TRUE(s3_->Clear());
  EXPECT_THAT(Count(), HasSubstr(R"([["100","100"]])"));
  // The segment goes up, the manifest write fails: the rows stay hot. (A read then finds a
  // scope without manifest but with a segment, and rebuilds the manifest from its footer, as
  // after a crash at that point on a filesystem: docs/cold-tier.md.)
  ASSERT_TRUE(s3_->FailNext(1000, 503, "PUT", /*skip=*/1));
  EXPECT_THAT(FlushAndWait(), HasSubstr("failed"));
  ASSERT_TRUE(s3_->Clear());
  EXPECT_THAT(Count(), HasSubstr(R"([["100","100"]])"));
  // A request that never gets an answer times out and is retried.
  ASSERT_TRUE(s3_->HangNext(1, "PUT"));
  EXPECT_THAT(FlushAndWait(), HasSubstr("completed"));
  EXPECT_GE(s3_->Injected(), 3);
  EXPECT_EQ(Tiers(), "0/100/1");
  EXPECT_THAT(Count(), HasSubstr(R"([["100","100"]])"));
  EXPECT_THAT(StoredKeys(S3Dir(), "db/app/msgs/"),
              ::testing::UnorderedElementsAre("db/app/msgs/batch-0.parquet", "db/app/msgs/manifest.json"));
  EXPECT_THAT(Ok("STORAGE CHECK s3t EXTENDED"), Not(HasSubstr("failed")));
}

TEST_F(S3StorageTest, DropTableDeletesItsObjects) {
  Ok(CreateStorage(Credentials("S3RVER")));
  CreateTable();
  Insert(0, 10);
  EXPECT_THAT(FlushAndWait(), HasSubstr("completed"));
  ASSERT_FALSE(StoredKeys(S3Dir(), "db/app/").empty());
  EXPECT_THAT(Ok("DROP TABLE app.msgs"), HasSubstr("Cleanup job"));
  EXPECT_TRUE(PollUntil([&] { return StoredKeys(S3Dir(), "db/").empty(); }))
      << Ok("SELECT job_type, status, message FROM system.jobs");
  EXPECT_THAT(Ok("DROP STORAGE s3t"), HasSubstr("Storage 's3t' dropped"));
}

}  // namespace
}  // namespace kalam::testing
