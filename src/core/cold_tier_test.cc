// Flush to Parquet and reads over both tiers, through the engine (embedded: no job manager,
// so FLUSH runs inline).
#include <filesystem>
#include <fstream>
#include <iterator>

#include "duckdb.hpp"
#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

class ColdTierTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
  std::string StorageDir() const { return dir_.path() + "/storage"; }
  // Rows of a Parquet file read by a separate, plain DuckDB instance.
  std::vector<std::string> ReadParquet(const std::string& path, const std::string& columns) {
    return PlainDuckDBRows("SELECT " + columns + " FROM read_parquet('" + path + "') ORDER BY _seq");
  }
};

TEST_F(ColdTierTest, FlushMovesRowsAndReadsSeeOneTable) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT, n INT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
  Run(As("bob"), "INSERT INTO app.m VALUES (1, 'bob', 9)");
  auto before = Query(As("alice"), "SELECT id, body, n, _seq FROM app.m ORDER BY id");

  auto flushed = Run(Root(), "FLUSH TABLE app.m");
  EXPECT_THAT(flushed.message, HasSubstr("Flushed 4 row(s) to 2 file(s)"));
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/m/alice/batch-0.parquet"));
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/m/alice/manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/m/bob/batch-0.parquet"));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.m"), ElementsAre(StartsWith("app|m|user|1|0|4|2|")));
  EXPECT_EQ(Run(Root(), "FLUSH TABLE app.m").message, "Storage flush skipped: no pending writes for table 'app.m'");

  // Results are identical before and after a flush.
  EXPECT_EQ(Query(As("alice"), "SELECT id, body, n, _seq FROM app.m ORDER BY id"), before);
  EXPECT_THAT(Query(As("bob"), "SELECT id, body FROM app.m"), ElementsAre("1|bob"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2"), ElementsAre("two"));

  // Files are plain Parquet.
  EXPECT_THAT(ReadParquet(StorageDir() + "/app/m/alice/batch-0.parquet", "id, body, n, _deleted"),
              ElementsAre("1|one|1|false", "2|two|2|false", "3|three|3|false"));
}

TEST_F(ColdTierTest, UpdatesDeletesAndKeysAcrossTiers) {
  Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "INSERT INTO app.s VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
  Run(Root(), "FLUSH TABLE app.s");
  // Writes to rows that live only in Parquet create new hot versions.
  EXPECT_EQ(Run(Root(), "UPDATE app.s SET v = 'B' WHERE id = 2").row_count, 1u);
  EXPECT_EQ(Run(Root(), "DELETE FROM app.s WHERE id = 3").row_count, 1u);
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), ElementsAre("1|a", "2|B", "4|d"));
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s WHERE _deleted"), ElementsAre("3|c"));
  // Primary keys stay unique across tiers; a deleted key may return.
  EXPECT_THAT(Fail(Root(), "INSERT INTO app.s VALUES (1, 'dup')").message(), HasSubstr("Primary key violation"));
  Run(Root(), "INSERT INTO app.s VALUES (3, 'again')");
  EXPECT_THAT(Query(Root(), "SELECT v FROM app.s WHERE id = 3"), ElementsAre("again"));
  // A second flush: versions of one row in two segments; the newest wins.
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), ElementsAre("1|a", "2|B", "3|again", "4|d"));
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.s WHERE _deleted"), ElementsAre("0"));
  Run(Root(), "DELETE FROM app.s WHERE id = 4");
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_THAT(Query(Root(), "SELECT id FROM app.s ORDER BY id"), ElementsAre("1", "2", "3"));
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s WHERE _deleted = true"), ElementsAre("4|d"));
  EXPECT_EQ(Run(Root(), "UPDATE app.s SET v = v || '!'").row_count, 3u);
  EXPECT_THAT(Query(Root(), "SELECT v FROM app.s ORDER BY id"), ElementsAre("a!", "B!", "again!"));
}

TEST_F(ColdTierTest, TablesWithoutPrimaryKeyAndManySegments) {
  Run(Root(), "CREATE USER TABLE app.log (msg TEXT)");
  for (int round = 0; round < 5; ++round) {
    Run(As("alice"), "INSERT INTO app.log VALUES ('r" + std::to_string(round) + "a'), ('r" + std::to_string(round) + "b')");
    Run(Root(), "FLUSH ALL TABLES IN app");
  }
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM app.log"), ElementsAre("10"));
  EXPECT_EQ(Run(As("alice"), "UPDATE app.log SET msg = 'x' WHERE msg LIKE 'r1%'").row_count, 2u);
  EXPECT_EQ(Run(As("alice"), "DELETE FROM app.log WHERE msg = 'r3a'").row_count, 1u);
  EXPECT_THAT(Query(As("alice"), "SELECT count(*), count(*) FILTER (WHERE msg = 'x') FROM app.log"),
              ElementsAre("9|2"));
  Run(Root(), "FLUSH TABLE app.log");
  EXPECT_THAT(Query(As("alice"), "SELECT count(*), count(*) FILTER (WHERE msg = 'x') FROM app.log"),
              ElementsAre("9|2"));
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/log/alice/batch-5.parquet"));
  // Manifest bookkeeping: one committed segment per flush, last_sequence_number = newest N.
  std::ifstream in(StorageDir() + "/app/log/alice/manifest.json");
  std::string manifest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(manifest, HasSubstr("\"last_sequence_number\":5"));
  EXPECT_THAT(manifest, HasSubstr("\"table_id\":\"app.log\""));
  EXPECT_THAT(manifest, HasSubstr("\"user_id\":\"alice\""));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.log"), ElementsAre(StartsWith("app|log|user|1|0|")));
}

TEST_F(ColdTierTest, ColdReadsSurviveRestartAndRespectIsolation) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'secret')");
  Run(Root(), "FLUSH TABLE app.m");
  Reopen();
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m"), ElementsAre("secret"));
  EXPECT_THAT(Query(As("mallory"), "SELECT body FROM app.m"), IsEmpty());
  // Queries cannot reach the files themselves.
  EXPECT_THAT(Fail(As("mallory"), "SELECT * FROM read_parquet('" + StorageDir() + "/app/m/alice/batch-0.parquet')")
                  .message(),
              HasSubstr("is not available"));
  Run(Root(), "DROP TABLE app.m");
  EXPECT_FALSE(std::filesystem::exists(StorageDir() + "/app/m"));
}

TEST_F(ColdTierTest, MissingManifestIsRebuiltFromParquetFooters) {
  Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "INSERT INTO app.s VALUES (1, 'a'), (2, 'b')");
  Run(Root(), "FLUSH TABLE app.s");
  Run(Root(), "INSERT INTO app.s VALUES (3, 'c')");
  Run(Root(), "UPDATE app.s SET v = 'A' WHERE id = 1");
  Run(Root(), "FLUSH TABLE app.s");
  auto before = Query(Root(), "SELECT id, v, _seq FROM app.s ORDER BY id");
  Reopen();  // drop cached manifests
  ASSERT_TRUE(std::filesystem::remove(StorageDir() + "/app/s/manifest.json"));
  EXPECT_EQ(Query(Root(), "SELECT id, v, _seq FROM app.s ORDER BY id"), before);
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/s/manifest.json"));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.s"), ElementsAre(StartsWith("app|s|shared|1|0|4|2|")));
  // A later flush continues the numbering instead of overwriting batch-0.
  Run(Root(), "INSERT INTO app.s VALUES (4, 'd')");
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_TRUE(std::filesystem::exists(StorageDir() + "/app/s/batch-2.parquet"));
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.s"), ElementsAre("4"));
}

TEST_F(ColdTierTest, FlushRoleAndStreamRules) {
  Run(Root(), "CREATE USER TABLE app.m (v TEXT)");
  Run(Root(), "CREATE STREAM TABLE app.e (v TEXT) TTL 5");
  EXPECT_EQ(Fail(As("alice"), "FLUSH TABLE app.m").code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(Fail(Root(), "FLUSH TABLE app.e").message(), HasSubstr("STREAM tables are not flushed"));
  Run(As("svc", Role::kService), "STORAGE FLUSH TABLE app.m");
  EXPECT_THAT(Fail(Root(), "KILL JOB 'FL-000000000000'").message(), HasSubstr("not found"));
}

}  // namespace
}  // namespace kalam::core::testing
