// Randomised isolation check: three users query USER tables through every SQL shape we can
// generate (joins, subqueries, CTEs, set operations, aggregates, windows, system tables) and
// must only ever see rows they own.
#include <random>

#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::HasSubstr;

class IsolationTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE USER TABLE app.notes (id BIGINT PRIMARY KEY, owner TEXT DEFAULT CURRENT_USER(), topic TEXT, n INT)");
    Run(Root(), "CREATE USER TABLE app.tags (note_id BIGINT, owner TEXT DEFAULT CURRENT_USER(), tag TEXT)");
    Run(Root(), "CREATE SHARED TABLE app.topics (topic TEXT PRIMARY KEY, title TEXT) WITH (ACCESS_LEVEL = 'PUBLIC')");
    Run(Root(), "INSERT INTO app.topics VALUES ('a', 'Alpha'), ('b', 'Beta'), ('c', 'Gamma')");
    // Every user writes the same ids, so any leak shows up as a foreign owner.
    for (const std::string user : {"alice", "bob", "carol"}) {
      std::string notes = "INSERT INTO app.notes (id, topic, n) VALUES ";
      std::string tags = "INSERT INTO app.tags (note_id, tag) VALUES ";
      const int count = user == "alice" ? 30 : user == "bob" ? 20 : 10;
      for (int i = 1; i <= count; ++i) {
        if (i > 1) {
          notes += ", ";
          tags += ", ";
        }
        notes += "(" + std::to_string(i) + ", '" + std::string(1, "abc"[i % 3]) + "', " + std::to_string(i) + ")";
        tags += "(" + std::to_string(i) + ", 't" + std::to_string(i % 4) + "')";
      }
      Run(As(user), notes);
      Run(As(user), tags);
      counts_[user] = count;
    }
  }

  std::map<std::string, int> counts_;
};

// Query shapes; every one projects `owner` values (possibly aggregated into a string).
const std::vector<std::string> kOwnerQueries = {
    "SELECT owner FROM app.notes",
    "SELECT n.owner FROM app.notes n JOIN app.tags t ON n.id = t.note_id",
    "SELECT t.owner FROM app.tags t LEFT JOIN app.notes n ON n.id = t.note_id AND n.n > {k}",
    "SELECT owner FROM app.notes WHERE id IN (SELECT note_id FROM app.tags WHERE tag = 't{m}')",
    "WITH x AS (SELECT * FROM app.notes WHERE n > {k}) SELECT owner FROM x",
    "WITH RECURSIVE r(o, d) AS (SELECT owner, 0 FROM app.notes WHERE id = 1 UNION ALL SELECT o, d + 1 FROM r WHERE d < 2) SELECT o FROM r",
    "SELECT owner FROM app.notes UNION SELECT owner FROM app.tags",
    "SELECT owner FROM app.notes EXCEPT SELECT 'nobody'",
    "SELECT DISTINCT owner FROM app.notes n JOIN app.topics p ON n.topic = p.topic WHERE p.title LIKE '%a%'",
    "SELECT string_agg(DISTINCT owner, ',') FROM app.notes",
    "SELECT owner FROM (SELECT owner, row_number() OVER (PARTITION BY topic ORDER BY n DESC) AS rn FROM app.notes) WHERE rn <= {m}",
    "SELECT owner FROM app.notes WHERE EXISTS (SELECT 1 FROM app.tags t WHERE t.note_id = notes.id AND t.owner <> notes.owner) OR n = {k}",
    "SELECT (SELECT max(owner) FROM app.tags) FROM app.notes LIMIT {m}",
    "SELECT a.owner FROM app.notes a CROSS JOIN app.notes b WHERE a.id = b.id AND a.id <= {k}",
    "SELECT owner FROM app.notes WHERE _deleted = false OR _deleted = true",
};

// Shapes whose result is the caller's own row count.
const std::vector<std::string> kCountQueries = {
    "SELECT count(*) FROM app.notes",
    "SELECT count(*) FROM (SELECT id FROM app.notes UNION ALL SELECT 0 WHERE false)",
    "SELECT sum(c) FROM (SELECT topic, count(*) AS c FROM app.notes GROUP BY topic)",
    "WITH c AS (SELECT count(*) AS k FROM app.tags) SELECT k FROM c",
};

const std::vector<std::string> kSystemQueries = {
    "SELECT * FROM system.users",
    "SELECT n.* FROM app.notes n WHERE n.owner IN (SELECT user_id FROM system.users)",
    "WITH s AS (SELECT * FROM system.tables) SELECT count(*) FROM s",
    "SELECT * FROM app.notes, system.namespaces",
    "SELECT (SELECT count(*) FROM system.columns) AS c",
};

TEST_F(IsolationTest, RandomisedQueriesNeverLeakOtherUsersRows) {
  std::mt19937 rng(20261122);
  const std::vector<std::string> users = {"alice", "bob", "carol"};
  int checked = 0;
  int owner_rows_checked = 0;  // a shape that always answered no rows would check nothing
  for (int iteration = 0; iteration < 300; ++iteration) {
    const std::string& user = users[rng() % users.size()];
    Session& session = As(user, rng() % 2 ? Role::kUser : Role::kService);
    const int kind = static_cast<int>(rng() % 10);
    std::string sql;
    if (kind < 6) {
      sql = kOwnerQueries[rng() % kOwnerQueries.size()];
    } else if (kind < 8) {
      sql = kCountQueries[rng() % kCountQueries.size()];
    } else {
      sql = kSystemQueries[rng() % kSystemQueries.size()];
    }
    for (auto [token, value] : {std::pair<std::string, int>{"{k}", static_cast<int>(rng() % 25)},
                                std::pair<std::string, int>{"{m}", static_cast<int>(rng() % 4)}}) {
      for (size_t p = sql.find(token); p != std::string::npos; p = sql.find(token)) {
        sql.replace(p, token.size(), std::to_string(value));
      }
    }
    auto outcome = engine_->Execute(session, sql);
    if (kind >= 8) {
      ASSERT_FALSE(outcome.ok()) << user << ": " << sql;
      EXPECT_EQ(outcome.error.code(), StatusCode::kPermissionDenied) << sql;
      EXPECT_THAT(outcome.error.message(), HasSubstr("System tables require 'dba' or 'system' role."));
      continue;
    }
    ASSERT_TRUE(outcome.ok()) << user << ": " << sql << " -> " << outcome.error.ToString();
    const auto rows = Rows(outcome.results.back());
    if (kind < 6) {
      for (const std::string& row : rows) {
        if (row == "NULL") continue;
        EXPECT_EQ(row, user) << "leak in: " << sql;
        ++owner_rows_checked;
      }
    } else {
      ASSERT_EQ(rows.size(), 1u) << sql;
      EXPECT_EQ(rows[0], std::to_string(counts_[user])) << user << ": " << sql;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
  EXPECT_GT(owner_rows_checked, 1000);
}

TEST_F(IsolationTest, WritesOnlyTouchTheActingUsersRows) {
  // Same ids exist for every user; updates and deletes must stay inside the caller's range.
  EXPECT_EQ(Run(As("bob"), "UPDATE app.notes SET topic = 'z' WHERE id <= 5").row_count, 5u);
  EXPECT_EQ(Run(As("bob"), "DELETE FROM app.notes WHERE id IN (SELECT note_id FROM app.tags)").row_count, 20u);
  EXPECT_THAT(Query(As("alice"), "SELECT count(*), count(*) FILTER (WHERE topic = 'z') FROM app.notes"),
              ::testing::ElementsAre("30|0"));
  EXPECT_THAT(Query(As("carol"), "SELECT count(*) FROM app.notes"), ::testing::ElementsAre("10"));
  // INSERT ... SELECT reads and writes only the caller's rows.
  Run(As("carol"), "INSERT INTO app.tags (note_id, tag) SELECT id, 'copy' FROM app.notes");
  EXPECT_THAT(Query(As("carol"), "SELECT count(*) FROM app.tags WHERE tag = 'copy'"), ::testing::ElementsAre("10"));
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM app.tags WHERE tag = 'copy'"), ::testing::ElementsAre("0"));
  // Admins also see only their own USER rows.
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.notes"), ::testing::ElementsAre("0"));
}

TEST_F(IsolationTest, PreparedPlansReadTheActingUserAtExecution) {
  Session& alice = As("alice");
  // The same SQL text through the same connection, acting as two different users.
  SeedUsers({{"alice", Role::kUser}});
  Session& root = Root();
  EXPECT_THAT(Query(root, "SELECT count(*) FROM app.notes"), ::testing::ElementsAre("0"));
  EXPECT_THAT(Query(root, "EXECUTE AS USER 'alice' (SELECT count(*) FROM app.notes)"), ::testing::ElementsAre("30"));
  EXPECT_THAT(Query(root, "SELECT count(*) FROM app.notes"), ::testing::ElementsAre("0"));
  (void)alice;
}

}  // namespace
}  // namespace kalam::core::testing
