// Grammar-generated SQL from three users over the same USER tables: no statement may return,
// copy or report another user's rows, a refused statement is an error (never a crash or an
// internal failure), and the engine keeps serving throughout. Seeded: set KALAM_SQL_SEED to
// replay a failing run (the seed is printed with every failure).
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "engine_test_util.h"
#include "random_sql.h"

namespace kalam::core::testing {
namespace {

const std::vector<std::string> kUsers = {"alice", "bob", "carol"};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class RandomIsolationTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    EngineConfig config;
    config.query_threads = 1;
    config.sync_writes = false;  // isolation does not depend on fsync; thousands of writes do
    ReopenWith(config);
    Run(Root(), "CREATE NAMESPACE app");
    // Every text value of a USER row names its owner: `owner`, `body` ("alice:3"), `tag`
    // ("alice#1"). The same ids exist for every user, so key collisions would show too.
    Run(Root(),
        "CREATE USER TABLE app.notes (id BIGINT PRIMARY KEY, owner TEXT DEFAULT CURRENT_USER(), topic TEXT, n INT, "
        "body TEXT)");
    Run(Root(), "CREATE USER TABLE app.tags (note_id BIGINT, owner TEXT DEFAULT CURRENT_USER(), tag TEXT)");
    Run(Root(), "CREATE SHARED TABLE app.topics (topic TEXT PRIMARY KEY, title TEXT) WITH (ACCESS_LEVEL = 'PUBLIC')");
    Run(Root(), "INSERT INTO app.topics VALUES ('a', 'Alpha'), ('b', 'Beta'), ('c', 'Gamma')");
    for (size_t u = 0; u < kUsers.size(); ++u) {
      const std::string& user = kUsers[u];
      std::string notes = "INSERT INTO app.notes (id, topic, n, body) VALUES ";
      std::string tags = "INSERT INTO app.tags (note_id, tag) VALUES ";
      for (int i = 1; i <= 12 - 3 * static_cast<int>(u); ++i) {
        const std::string sep = i > 1 ? ", " : "";
        notes += sep + "(" + std::to_string(i) + ", '" + std::string(1, "abc"[i % 3]) + "', " + std::to_string(i) +
                 ", '" + user + ":" + std::to_string(i) + "')";
        tags += sep + "(" + std::to_string(i) + ", '" + user + "#" + std::to_string(i % 4) + "')";
      }
      Run(As(user), notes);
      Run(As(user), tags);
    }
  }

  // The names of the users other than `user`, as they appear in stored values.
  static std::vector<std::string> Foreign(const std::string& user) {
    std::vector<std::string> out;
    for (const std::string& other : kUsers) {
      if (other != user) out.push_back(other);
    }
    return out;
  }
};

TEST_F(RandomIsolationTest, GeneratedStatementsNeverLeakAcrossUsers) {
  uint64_t seed = 20261207;
  if (const char* env = std::getenv("KALAM_SQL_SEED")) seed = std::strtoull(env, nullptr, 10);
  RandomSql generator(seed);
  std::mt19937_64 pick(seed);
  constexpr int kStatements = 2000;
  int succeeded = 0;
  int refused = 0;
  for (int i = 0; i < kStatements; ++i) {
    const std::string& user = kUsers[pick() % kUsers.size()];
    const Role role = pick() % 4 == 0 ? Role::kService : Role::kUser;
    const std::string sql = generator.Statement();
    SCOPED_TRACE("KALAM_SQL_SEED=" + std::to_string(seed) + " statement #" + std::to_string(i) + " as " + user + ": " +
                 sql);
    std::vector<duckdb::Value> params;
    if (sql.find("$1") != std::string::npos) params.emplace_back(user + ":" + std::to_string(pick() % 12));
    auto outcome = engine_->Execute(As(user, role), sql, params);
    if (!outcome.ok()) {
      // Refusals and SQL errors are answers; an internal failure means DuckDB broke.
      ASSERT_NE(outcome.error.code(), StatusCode::kInternal) << outcome.error.ToString();
      const std::string message = Lower(outcome.error.message());
      for (const std::string& other : Foreign(user)) {
        ASSERT_EQ(message.find(other + ":"), std::string::npos) << "leak in error: " << message;
        ASSERT_EQ(message.find(other + "#"), std::string::npos) << "leak in error: " << message;
      }
      refused += outcome.error.code() == StatusCode::kPermissionDenied;
      if (std::getenv("KALAM_SQL_VERBOSE"))
        std::cout << "ERR " << outcome.error.ToString().substr(0, 160) << "\n  " << sql << "\n";
      continue;
    }
    ++succeeded;
    for (const StatementResult& result : outcome.results) {
      for (const std::string& row : Rows(result)) {
        const std::string text = Lower(row);
        for (const std::string& other : Foreign(user)) {
          ASSERT_EQ(text.find(other), std::string::npos) << "leak: " << row;
        }
      }
    }
    if (i % 500 == 499) {
      // Still serving everyone, and every user still holds exactly their own notes.
      for (size_t u = 0; u < kUsers.size(); ++u) {
        EXPECT_THAT(Query(As(kUsers[u]), "SELECT count(*) FROM app.notes"),
                    ::testing::ElementsAre(std::to_string(12 - 3 * u)));
      }
    }
  }
  std::cout << "seed " << seed << ": " << succeeded << " of " << kStatements << " statements ran, " << refused
            << " were refused\n";
  // The generator must keep producing statements that run, or it checks nothing.
  EXPECT_GT(succeeded, kStatements / 3) << "seed " << seed;
  EXPECT_GT(refused, 0) << "seed " << seed;
  for (const std::string& user : kUsers) {
    for (const std::string& row : Query(As(user), "SELECT owner || tag FROM app.tags")) {
      for (const std::string& other : Foreign(user)) EXPECT_EQ(Lower(row).find(other), std::string::npos) << row;
    }
  }
}

}  // namespace
}  // namespace kalam::core::testing
