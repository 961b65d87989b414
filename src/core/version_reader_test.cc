// LiveQueryHooks::AtCommitPoint + ReadVersionsAsOf: the table as of a commit point, across both tiers,
// while later writes and flushes move rows underneath (what a live subscription's initial data
// and resume read). Embedded: FLUSH runs inline.
#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;

class VersionReaderTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE USER TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");
    def_ = engine_->live_queries().FindReadableTable(TableId{NamespaceId("app"), TableName("t")}, Role::kUser).value();
  }
  // A commit point: S and the hot-tier snapshot taken there.
  std::pair<SeqId, std::shared_ptr<const store::Snapshot>> CommitPoint() {
    std::pair<SeqId, std::shared_ptr<const store::Snapshot>> out;
    engine_->live_queries().AtCommitPoint(
        [&](SeqId s, std::shared_ptr<const store::Snapshot> snap) { out = {s, std::move(snap)}; });
    return out;
  }
  // "id=v" (plus " deleted") per version, ascending _seq; checks the _seq bounds too.
  std::vector<std::string> Read(const std::pair<SeqId, std::shared_ptr<const store::Snapshot>>& point,
                                SeqId after = 0) {
    auto rows = engine_->live_queries().ReadVersionsAsOf(def_, "alice", point.second, point.first, after);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    SeqId last = 0;
    for (const VersionedRow& row : *rows) {
      EXPECT_GT(row.seq, after);
      EXPECT_LE(row.seq, point.first);
      EXPECT_GT(row.seq, last);
      last = row.seq;
      out.push_back(row.values[0].ToString() + "=" + row.values[1].ToString() + (row.deleted ? " deleted" : ""));
    }
    return out;
  }
  SeqId SeqOf(int id) {
    auto rows = Query(As("alice"), "SELECT _seq FROM app.t WHERE id = " + std::to_string(id));
    return rows.empty() ? 0 : std::stoll(rows[0]);
  }

  std::shared_ptr<const TableDefinition> def_;
};

TEST_F(VersionReaderTest, ReadsHotAndColdAsOfTheCommitPoint) {
  Run(As("alice"), "INSERT INTO app.t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  Run(Root(), "FLUSH TABLE app.t");
  Run(As("alice"), "UPDATE app.t SET v = 'b2' WHERE id = 2");
  Run(As("alice"), "DELETE FROM app.t WHERE id = 3");
  const auto point = CommitPoint();
  EXPECT_THAT(Read(point), ElementsAre("1=a", "2=b2", "3=c deleted"));
}

// The subtle case: after the commit point, a row the snapshot holds hot is superseded (so the
// hot version is deleted and never flushed) and the newer version is flushed. The read must
// still show the version as of S, not drop the row.
TEST_F(VersionReaderTest, LaterWritesAndFlushesDoNotChangeTheResult) {
  Run(As("alice"), "INSERT INTO app.t (id, v) VALUES (1, 'a'), (2, 'b')");
  Run(Root(), "FLUSH TABLE app.t");
  Run(As("alice"), "UPDATE app.t SET v = 'a2' WHERE id = 1");  // hot, superseding a cold version
  const auto point = CommitPoint();
  Run(As("alice"), "UPDATE app.t SET v = 'a3' WHERE id = 1");
  Run(As("alice"), "UPDATE app.t SET v = 'b3' WHERE id = 2");
  Run(As("alice"), "INSERT INTO app.t (id, v) VALUES (4, 'd')");
  Run(As("alice"), "DELETE FROM app.t WHERE id = 2");
  Run(Root(), "FLUSH TABLE app.t");
  EXPECT_THAT(Read(point), ElementsAre("2=b", "1=a2"));
  // And the read now sees the newest state.
  EXPECT_THAT(Read(CommitPoint()), ElementsAre("1=a3", "4=d", "2=b3 deleted"));
}

TEST_F(VersionReaderTest, AfterKeepsOnlyRowsChangedSinceTheCheckpoint) {
  Run(As("alice"), "INSERT INTO app.t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  Run(Root(), "FLUSH TABLE app.t");
  const SeqId checkpoint = CommitPoint().first;
  Run(As("alice"), "UPDATE app.t SET v = 'c2' WHERE id = 3");
  Run(Root(), "FLUSH TABLE app.t");
  Run(As("alice"), "DELETE FROM app.t WHERE id = 1");
  Run(As("alice"), "INSERT INTO app.t (id, v) VALUES (5, 'e')");
  EXPECT_THAT(Read(CommitPoint(), checkpoint), ElementsAre("3=c2", "1=a deleted", "5=e"));
  EXPECT_GT(SeqOf(5), checkpoint);
}

}  // namespace
}  // namespace kalam::core::testing
