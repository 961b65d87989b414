// EXPORT USER DATA and Engine::ReadUserData: a user's rows of every USER and STREAM table, hot
// and cold, current versions only, read back from the written Parquet files.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "duckdb.hpp"
#include "engine_test_util.h"
#include "kalam/filestore/sigv4.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class UserExportTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    SeedUsers({{"alice", Role::kUser}, {"bob", Role::kUser}});
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT)");
    Run(Root(), "CREATE STREAM TABLE app.typing (v TEXT) TTL 600");
    Run(Root(), "CREATE SHARED TABLE app.rooms (id BIGINT PRIMARY KEY, name TEXT)");
    Run(Root(), "CREATE USER TABLE app.empty (id BIGINT PRIMARY KEY)");
    Run(As("alice"), "INSERT INTO app.messages VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    Run(As("bob"), "INSERT INTO app.messages VALUES (1, 'bob')");
    Run(Root(), "FLUSH TABLE app.messages");  // rows 1..3 cold
    Run(As("alice"), "UPDATE app.messages SET body = 'two v2' WHERE id = 2");
    Run(As("alice"), "DELETE FROM app.messages WHERE id = 3");
    Run(As("alice"), "INSERT INTO app.messages VALUES (4, 'four')");  // hot
    Run(As("alice"), "INSERT INTO app.typing VALUES ('hi')");
    Run(Root(), "INSERT INTO app.rooms VALUES (1, 'general')");
  }
  std::string Target() const { return dir_.path() + "/exports/alice"; }
  // Rows of a Parquet file read by a separate, plain DuckDB instance.
  std::vector<std::string> ReadParquet(const std::string& path) {
    return PlainDuckDBRows("SELECT * FROM read_parquet('" + path + "')");
  }
};

TEST_F(UserExportTest, WritesCurrentRowsOfEveryUserAndStreamTable) {
  auto result = Run(Root(), "EXPORT USER DATA 'alice' TO '" + Target() + "'");
  EXPECT_EQ(result.message, "Exported 4 row(s) of user 'alice' from 2 table(s) to '" + Target() + "'");
  EXPECT_EQ(result.row_count, 4u);

  // Hot and cold merged, the update's new version, no tombstone, nothing of bob's.
  EXPECT_THAT(ReadParquet(Target() + "/app.messages.parquet"), ElementsAre("1|one", "2|two v2", "4|four"));
  EXPECT_THAT(ReadParquet(Target() + "/app.typing.parquet"), ElementsAre("hi"));
  EXPECT_FALSE(std::filesystem::exists(Target() + "/app.rooms.parquet"));  // SHARED: not the user's
  EXPECT_FALSE(std::filesystem::exists(Target() + "/app.empty.parquet"));  // no rows of hers

  const std::string manifest = ReadFile(Target() + "/manifest.json");
  EXPECT_THAT(manifest, HasSubstr(R"({"format":1,"user_id":"alice","exported_at":)"));
  const std::string sha = filestore::Sha256Hex(ReadFile(Target() + "/app.messages.parquet"));
  EXPECT_THAT(manifest, HasSubstr(R"({"table":"app.messages","table_type":"user","schema_version":1,)"
                                  R"("file":"app.messages.parquet","columns":[{"name":"id","data_type":"BIGINT"},)"
                                  R"({"name":"body","data_type":"TEXT"}],"row_count":3,"size_bytes":)" +
                                  std::to_string(std::filesystem::file_size(Target() + "/app.messages.parquet")) +
                                  R"(,"sha256":")" + sha + "\"}"));
  EXPECT_THAT(manifest, HasSubstr(R"("table":"app.typing","table_type":"stream")"));

  EXPECT_THAT(Query(Root(),
                    "SELECT actor_user_id, target, subject_user_id FROM system.audit_log "
                    "WHERE action = 'EXPORT_USER_DATA'"),
              ElementsAre("root|alice|alice"));
}

TEST_F(UserExportTest, RefusesNonAdminsBadTargetsAndUnknownUsers) {
  EXPECT_EQ(Fail(As("alice"), "EXPORT USER DATA 'alice' TO '" + Target() + "'").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Fail(Root(), "EXECUTE AS USER 'alice' (EXPORT USER DATA 'alice' TO '" + Target() + "')").code(),
            StatusCode::kPermissionDenied);
  EXPECT_THAT(Fail(Root(), "EXPORT USER DATA 'carol' TO '" + Target() + "'").message(),
              HasSubstr("User 'carol' not found"));
  std::filesystem::create_directories(Target());
  std::ofstream(Target() + "/old.txt") << "x";
  EXPECT_THAT(Fail(Root(), "EXPORT USER DATA 'alice' TO '" + Target() + "'").message(), HasSubstr("is not empty"));
  EXPECT_THAT(Fail(Root(), "EXPORT USER DATA 'alice' TO 'rel/dir'").message(), HasSubstr("must be an absolute path"));
  Run(Root(), "DROP USER alice");
  EXPECT_THAT(Fail(Root(), "EXPORT USER DATA 'alice' TO '" + dir_.path() + "/x'").message(),
              HasSubstr("User 'alice' not found"));
}

TEST_F(UserExportTest, ReadUserDataMatchesWhatTheUserSelects) {
  auto data = engine_->ReadUserData(UserId("alice"));
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  ASSERT_EQ(data->tables.size(), 2u);
  EXPECT_EQ(data->tables[0].table.ToString(), "app.messages");
  EXPECT_THAT(Rows(data->tables[0].rows), ElementsAre("1|one", "2|two v2", "4|four"));
  EXPECT_EQ(data->tables[1].type, TableType::kStream);
  EXPECT_EQ(data->total_rows(), 4u);
  auto bob = engine_->ReadUserData(UserId("bob"));
  ASSERT_TRUE(bob.ok());
  ASSERT_EQ(bob->tables.size(), 1u);
  EXPECT_THAT(Rows(bob->tables[0].rows), ElementsAre("1|bob"));
  EXPECT_EQ(engine_->ReadUserData(UserId("nobody")).status().code(), StatusCode::kNotFound);
}

TEST_F(UserExportTest, MaxExportBytesStopsALargeExport) {
  EngineConfig config;
  config.max_export_bytes = 16;
  ReopenWith(config);
  Status s = Fail(Root(), "EXPORT USER DATA 'alice' TO '" + Target() + "'");
  EXPECT_EQ(s.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(s.message(), HasSubstr("Export too large: the user's rows exceed limits.max_export_bytes (16 bytes)"));
  EXPECT_FALSE(std::filesystem::exists(Target() + "/manifest.json"));
  EXPECT_EQ(engine_->ReadUserData(UserId("alice")).status().code(), StatusCode::kInvalidOperation);
}

}  // namespace
}  // namespace kalam::core::testing
