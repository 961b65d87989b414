// STORAGE COMPACT through the engine (embedded: the compaction runs inline) over real RocksDB
// and real Parquet files: a scope's segments become one, sorted by `_seq`, holding the newest
// version of each row; every query answers as before; SHOW STATS counts one segment; the
// replaced files are gone; tombstones past retention are purged, newer ones kept.
#include <filesystem>
#include <sstream>

#include "duckdb.hpp"
#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CompactionTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }

  std::vector<std::string> Files(const std::string& rel) const {
    std::vector<std::string> names;
    const std::string dir = dir_.path() + "/storage/" + rel;
    if (!std::filesystem::exists(dir)) return names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.is_regular_file()) names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  // One SHOW STATS cell of the acting user's scope: 4 hot rows, 5 cold rows, 6 segments.
  std::string Stat(Session& session, const std::string& table, size_t cell) {
    auto stats = Query(session, "SHOW STATS FOR TABLE " + table);
    EXPECT_EQ(stats.size(), 1u);
    std::vector<std::string> cells;
    std::stringstream in(stats.empty() ? "" : stats[0]);
    for (std::string c; std::getline(in, c, '|');) cells.push_back(c);
    return cells.size() > cell ? cells[cell] : "";
  }
  // `_seq` of every version in a Parquet file, in file order, read with a DuckDB of the test's own.
  static std::vector<int64_t> SeqsInFile(const std::string& path) {
    duckdb::DuckDB db(nullptr);
    duckdb::Connection con(db);
    auto result = con.Query("SELECT _seq FROM read_parquet('" + path + "')");
    EXPECT_FALSE(result->HasError()) << result->GetError();
    std::vector<int64_t> seqs;
    for (duckdb::idx_t r = 0; r < result->RowCount(); ++r) seqs.push_back(result->GetValue(0, r).GetValue<int64_t>());
    return seqs;
  }
  // Five flushes over ids 0..9: inserts, updates of earlier rows and deletes, so that rows have
  // versions in several segments.
  void FiveSegmentsOfHistory(Session& session, const std::string& table) {
    for (int round = 0; round < 5; ++round) {
      for (int i = round * 2; i < round * 2 + 2; ++i) {
        Run(session, "INSERT INTO " + table + " VALUES (" + std::to_string(i) + ", 'r" + std::to_string(round) + "')");
      }
      if (round > 0) Run(session, "UPDATE " + table + " SET v = 'u" + std::to_string(round) + "' WHERE id = 0");
      if (round == 3) Run(session, "DELETE FROM " + table + " WHERE id = 1");
      Run(Root(), "FLUSH TABLE " + table);
    }
  }
};

TEST_F(CompactionTest, MergesEverySegmentOfAScopeIntoOneSortedBySeq) {
  Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
  FiveSegmentsOfHistory(Root(), "app.s");
  const auto before = Query(Root(), "SELECT id, v FROM app.s ORDER BY id");
  const auto last3 = Query(Root(), "SELECT id, v FROM app.s ORDER BY _seq DESC LIMIT 3");
  ASSERT_EQ(before.size(), 9u);
  EXPECT_EQ(Stat(Root(), "app.s", 6), "5");
  // 15 cold versions: 10 inserts, 4 updates of id 0 and the tombstone of id 1; the merge
  // keeps the newest of each of the 10 ids.
  const std::string cold_before = Stat(Root(), "app.s", 5);

  const auto message = Run(Root(), "STORAGE COMPACT TABLE app.s").message;
  EXPECT_THAT(message, HasSubstr("Storage compaction completed for table 'app.s': Compacted 5 segment(s) into 1 in 1 "
                                 "scope(s); dropped 5 superseded version(s), purged 0 old tombstone(s)"));
  EXPECT_EQ(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), before);
  EXPECT_EQ(Query(Root(), "SELECT id, v FROM app.s ORDER BY _seq DESC LIMIT 3"), last3);
  EXPECT_EQ(Stat(Root(), "app.s", 6), "1");
  EXPECT_EQ(std::stoll(Stat(Root(), "app.s", 5)), std::stoll(cold_before) - 5);
  // The replaced files went after the commit; batch numbers are never reused.
  EXPECT_THAT(Files("app/s"), ElementsAre("batch-5.parquet", "manifest.json"));
  const auto seqs = SeqsInFile(dir_.path() + "/storage/app/s/batch-5.parquet");
  ASSERT_EQ(seqs.size(), 10u);  // 9 rows and the tombstone of id 1 (within retention)
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));

  // Writes and flushes go on from there, and a restart reads the same table.
  Run(Root(), "INSERT INTO app.s VALUES (100, 'after')");
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_THAT(Files("app/s"), ElementsAre("batch-5.parquet", "batch-6.parquet", "manifest.json"));
  Reopen();
  auto after = before;
  after.push_back("100|after");
  EXPECT_EQ(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), after);
  EXPECT_EQ(Stat(Root(), "app.s", 6), "2");
}

TEST_F(CompactionTest, UserTableScopesAreCompactedApartAndStayIsolated) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, v TEXT)");
  FiveSegmentsOfHistory(As("alice"), "app.m");
  FiveSegmentsOfHistory(As("bob"), "app.m");
  Run(As("carol"), "INSERT INTO app.m VALUES (7, 'only')");
  Run(Root(), "FLUSH TABLE app.m");
  const auto alice = Query(As("alice"), "SELECT id, v FROM app.m ORDER BY id");
  const auto bob = Query(As("bob"), "SELECT id, v FROM app.m ORDER BY id");

  EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.m").message,
              HasSubstr("Compacted 10 segment(s) into 2 in 2 scope(s)"));
  EXPECT_EQ(Query(As("alice"), "SELECT id, v FROM app.m ORDER BY id"), alice);
  EXPECT_EQ(Query(As("bob"), "SELECT id, v FROM app.m ORDER BY id"), bob);
  EXPECT_THAT(Query(As("carol"), "SELECT id, v FROM app.m"), ElementsAre("7|only"));
  EXPECT_EQ(Stat(As("alice"), "app.m", 6), "1");
  EXPECT_EQ(Stat(As("carol"), "app.m", 6), "1");
  EXPECT_THAT(Files("app/m/alice"), ElementsAre("batch-5.parquet", "manifest.json"));
  EXPECT_THAT(Files("app/m/carol"), ElementsAre("batch-0.parquet", "manifest.json"));  // one segment: untouched
}

TEST_F(CompactionTest, TombstonesPastRetentionArePurgedNewerOnesKept) {
  Run(Root(), "CREATE SHARED TABLE app.gone (id BIGINT PRIMARY KEY, v TEXT) WITH (DELETED_RETENTION_HOURS = 0)");
  Run(Root(), "CREATE SHARED TABLE app.kept (id BIGINT PRIMARY KEY, v TEXT)");
  for (const std::string table : {"app.gone", "app.kept"}) {
    Run(Root(), "INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    Run(Root(), "FLUSH TABLE " + table);
    Run(Root(), "DELETE FROM " + table + " WHERE id = 2");
    Run(Root(), "FLUSH TABLE " + table);
  }
  EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.gone").message, HasSubstr("purged 1 old tombstone(s)"));
  EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.kept").message,
              HasSubstr("Compacted 2 segment(s) into 1 in 1 scope(s); dropped 1 superseded version(s), purged 0"));
  for (const std::string table : {"app.gone", "app.kept"}) {
    EXPECT_THAT(Query(Root(), "SELECT id FROM " + table + " ORDER BY id"), ElementsAre("1", "3")) << table;
  }
  EXPECT_EQ(Stat(Root(), "app.gone", 5), "2");  // the deleted row left both tiers
  EXPECT_EQ(Stat(Root(), "app.kept", 5), "3");  // its tombstone stays within retention
}

TEST_F(CompactionTest, TablesWithoutPrimaryKeyKeepEveryRow) {
  Run(Root(), "CREATE SHARED TABLE app.log (v TEXT)");
  for (int round = 0; round < 3; ++round) {
    Run(Root(), "INSERT INTO app.log VALUES ('a" + std::to_string(round) + "'), ('b" + std::to_string(round) + "')");
    Run(Root(), "FLUSH TABLE app.log");
  }
  Run(Root(), "UPDATE app.log SET v = 'changed' WHERE v = 'a0'");
  Run(Root(), "FLUSH TABLE app.log");
  const auto before = Query(Root(), "SELECT v FROM app.log ORDER BY v");
  ASSERT_EQ(before.size(), 6u);
  EXPECT_THAT(Run(Root(), "STORAGE COMPACT TABLE app.log").message,
              HasSubstr("Compacted 4 segment(s) into 1 in 1 scope(s); dropped 1 superseded version(s)"));
  EXPECT_EQ(Query(Root(), "SELECT v FROM app.log ORDER BY v"), before);
}

TEST_F(CompactionTest, CompactAllCoversANamespaceAndSkipsWhatHasOneSegment) {
  Run(Root(), "CREATE SHARED TABLE app.a (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "CREATE SHARED TABLE app.b (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "CREATE SHARED TABLE app.one (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "CREATE STREAM TABLE app.events (v TEXT) TTL 10");
  FiveSegmentsOfHistory(Root(), "app.a");
  FiveSegmentsOfHistory(Root(), "app.b");
  Run(Root(), "INSERT INTO app.one VALUES (1, 'x')");
  Run(Root(), "FLUSH TABLE app.one");
  EXPECT_EQ(Run(Root(), "STORAGE COMPACT ALL IN NAMESPACE app").message, "Storage compaction started for 2 table(s).");
  EXPECT_EQ(Stat(Root(), "app.a", 6), "1");
  EXPECT_EQ(Stat(Root(), "app.b", 6), "1");
  EXPECT_EQ(Run(Root(), "STORAGE COMPACT ALL").message, "Storage compaction skipped: nothing to compact");
  EXPECT_EQ(Run(Root(), "STORAGE COMPACT TABLE app.one").message,
            "Storage compaction skipped: no scope of table 'app.one' has two or more segments");
}

TEST_F(CompactionTest, RefusedStatements) {
  Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "CREATE STREAM TABLE app.events (v TEXT) TTL 10");
  const Status user = Fail(As("alice"), "STORAGE COMPACT TABLE app.s");
  EXPECT_EQ(user.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(user.message(), HasSubstr("Role 'user' cannot compact tables"));
  EXPECT_EQ(Fail(As("alice"), "STORAGE COMPACT ALL").code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(Fail(Root(), "STORAGE COMPACT TABLE app.events").message(), HasSubstr("STREAM tables are not compacted"));
  EXPECT_THAT(Fail(Root(), "STORAGE COMPACT TABLE app.nope").message(), HasSubstr("app.nope does not exist"));
  EXPECT_THAT(Fail(Root(), "STORAGE COMPACT TABLE system.jobs").message(),
              HasSubstr("System tables are not compacted"));
  EXPECT_THAT(Fail(Root(), "STORAGE COMPACT ALL IN nope").message(), HasSubstr("nope"));
  // A service account may compact.
  EXPECT_THAT(Run(As("svc", Role::kService), "STORAGE COMPACT TABLE app.s").message, HasSubstr("skipped"));
}

}  // namespace
}  // namespace kalam::core::testing
