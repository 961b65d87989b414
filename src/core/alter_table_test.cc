// ALTER TABLE through the engine (embedded: FLUSH runs inline) while rows are written and
// flushed: no row is lost, every answer has one schema, and values of added columns survive
// flushes that run between the ALTER and the read.
#include <atomic>
#include <filesystem>
#include <thread>

#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AlterTableTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
};

TEST_F(AlterTableTest, OldRowsInBothTiersReadUnderTheNewSchema) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT, n INT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'one', 1), (2, 'two', 2)");
  Run(Root(), "FLUSH TABLE app.m");
  Run(As("alice"), "INSERT INTO app.m VALUES (3, 'three', 3)");
  EXPECT_EQ(Run(Root(), "ALTER TABLE app.m ADD COLUMN tokens INT DEFAULT 0").message,
            "Table app.m altered successfully (schema version 2)");
  Run(Root(), "ALTER TABLE app.m RENAME COLUMN body TO content");
  Run(Root(), "ALTER TABLE app.m MODIFY COLUMN n BIGINT");
  Run(As("alice"), "INSERT INTO app.m VALUES (4, 'four', 4, 40)");
  const std::vector<std::string> expected{"1|one|1|0", "2|two|2|0", "3|three|3|0", "4|four|4|40"};
  EXPECT_EQ(Query(As("alice"), "SELECT id, content, n, tokens FROM app.m ORDER BY id"), expected);
  // Newest-first reads merge the tiers one version at a time (the ordered path).
  EXPECT_THAT(Query(As("alice"), "SELECT id, tokens FROM app.m ORDER BY _seq DESC LIMIT 2"),
              ElementsAre("4|40", "3|0"));
  EXPECT_THAT(Query(As("alice"), "SELECT content FROM app.m WHERE id = 1"), ElementsAre("one"));
  Run(Root(), "FLUSH TABLE app.m");
  EXPECT_EQ(Query(As("alice"), "SELECT id, content, n, tokens FROM app.m ORDER BY id"), expected);
  Reopen();
  EXPECT_EQ(Query(As("alice"), "SELECT id, content, n, tokens FROM app.m ORDER BY id"), expected);
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM system.schemas WHERE table_id = 'app.m'"), ElementsAre("4"));
}

// A lost manifest is rebuilt from the Parquet files; each segment keeps the schema version it
// was written under (stored in the file), so a segment from before a RENAME is still read by
// its old column names rather than as NULLs under the new ones.
TEST_F(AlterTableTest, RebuiltManifestKeepsEachSegmentsSchemaVersion) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'one')");
  Run(Root(), "FLUSH TABLE app.m");
  Run(Root(), "ALTER TABLE app.m RENAME COLUMN body TO content");
  Run(As("alice"), "INSERT INTO app.m VALUES (2, 'two')");
  Run(Root(), "FLUSH TABLE app.m");
  const std::vector<std::string> expected{"1|one", "2|two"};
  ASSERT_EQ(Query(As("alice"), "SELECT id, content FROM app.m ORDER BY id"), expected);
  Reopen();  // drop cached manifests
  ASSERT_TRUE(std::filesystem::remove(dir_.path() + "/storage/app/m/alice/manifest.json"));
  EXPECT_EQ(Query(As("alice"), "SELECT id, content FROM app.m ORDER BY id"), expected);
  ASSERT_TRUE(std::filesystem::exists(dir_.path() + "/storage/app/m/alice/manifest.json"));
}

// One thread inserts rows; another adds columns (each with a literal DEFAULT), writes one row
// with an explicit value for the column it just added, and flushes. Whatever the interleaving,
// every row reads each added column as its DEFAULT except the row written with its own value.
TEST_F(AlterTableTest, ConcurrentWritesAndFlushesLoseNothing) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");
  constexpr int kRows = 300;
  constexpr int kColumns = 6;
  std::atomic<bool> writer_ok{true};
  std::thread writer([&] {
    auto session = engine_->CreateSession(UserId("root"), Role::kSystem);
    for (int i = 0; i < kRows; ++i) {
      auto outcome = engine_->Execute(*session, "INSERT INTO app.t (id, v) VALUES (" + std::to_string(i) + ", 'w')");
      if (!outcome.ok()) {
        writer_ok = false;
        ADD_FAILURE() << outcome.error.ToString();
        return;
      }
    }
  });
  for (int k = 1; k <= kColumns; ++k) {
    const std::string c = "c" + std::to_string(k);
    Run(Root(), "ALTER TABLE app.t ADD COLUMN " + c + " INT DEFAULT " + std::to_string(k));
    Run(Root(), "INSERT INTO app.t (id, v, " + c + ") VALUES (" + std::to_string(100000 + k) + ", 'a', " +
                    std::to_string(-k) + ")");
    Run(Root(), "FLUSH TABLE app.t");
  }
  writer.join();
  ASSERT_TRUE(writer_ok);
  const int total = kRows + kColumns;
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.t"), ElementsAre(std::to_string(total)));
  for (int k = 1; k <= kColumns; ++k) {
    const std::string c = "c" + std::to_string(k);
    EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.t WHERE " + c + " = " + std::to_string(k)),
                ElementsAre(std::to_string(total - 1)))
        << c;
    EXPECT_THAT(Query(Root(), "SELECT " + c + " FROM app.t WHERE id = " + std::to_string(100000 + k)),
                ElementsAre(std::to_string(-k)));
  }
  Run(Root(), "FLUSH TABLE app.t");
  EXPECT_THAT(Query(Root(), "SELECT count(*), sum(c6) FROM app.t"),
              ElementsAre(std::to_string(total) + "|" + std::to_string((total - 1) * 6 - 6)));
}

TEST_F(AlterTableTest, RefusalsChangeNothing) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "INSERT INTO app.t VALUES (1, 'a')");
  EXPECT_THAT(Fail(Root(), "ALTER TABLE app.t ADD COLUMN r TEXT NOT NULL").message(), HasSubstr("literal DEFAULT"));
  EXPECT_THAT(Fail(As("alice"), "ALTER TABLE app.t ADD COLUMN r TEXT").message(), HasSubstr("does not exist"));
  EXPECT_THAT(Fail(Root(), "ALTER TABLE app.t MODIFY COLUMN v INT").message(), HasSubstr("only widening"));
  EXPECT_THAT(Query(Root(), "SELECT version FROM system.tables WHERE table_name = 't'"), ElementsAre("1"));
}

}  // namespace
}  // namespace kalam::core::testing
