#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;

TEST(BackupStatementTest, Backup) {
  auto ns = ParseAs<BackupDatabaseStmt>("BACKUP DATABASE app TO '/backups/app-20251028'");
  EXPECT_EQ(ns.namespace_id.value_or(NamespaceId("")).str(), "app");
  EXPECT_EQ(ns.path, "/backups/app-20251028");
  auto server = ParseAs<BackupDatabaseStmt>("backup database to '/backups/full';");
  EXPECT_FALSE(server.namespace_id.has_value());
  EXPECT_EQ(server.path, "/backups/full");
  EXPECT_EQ(ParseAs<BackupDatabaseStmt>("BACKUP DATABASE chat_v2 TO '/b'").namespace_id.value_or(NamespaceId("")).str(),
            "chat_v2");
  EXPECT_EQ(ParseAs<BackupDatabaseStmt>("BACKUP DATABASE TO 'it''s'").path, "it's");
}

TEST(BackupStatementTest, Restore) {
  auto ns = ParseAs<RestoreDatabaseStmt>("RESTORE DATABASE app FROM '/backups/app'");
  EXPECT_EQ(ns.namespace_id.value_or(NamespaceId("")).str(), "app");
  EXPECT_EQ(ns.path, "/backups/app");
  EXPECT_FALSE(ParseAs<RestoreDatabaseStmt>("RESTORE DATABASE FROM '/backups/full'").namespace_id.has_value());
}

TEST(BackupStatementTest, Errors) {
  EXPECT_THAT(ParseError("BACKUP").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("BACKUP DATABASE").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("BACKUP DATABASE app TO /backups/app").message(), HasSubstr("a quoted directory path"));
  EXPECT_THAT(ParseError("BACKUP DATABASE app FROM '/b'").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("RESTORE DATABASE app TO '/b'").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("BACKUP DATABASE TO '/b' now").message(), HasSubstr("Syntax error"));
}

}  // namespace
}  // namespace kalam::dialect
