#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;

// The message of a statement that must not parse.
std::string Error(std::string_view sql) { return ParseError(sql).message(); }

TEST(StorageStatementTest, CreateFilesystemStorage) {
  auto a = ParseAs<CreateStorageStmt>("CREATE STORAGE archive TYPE filesystem PATH '/mnt/archive'");
  EXPECT_EQ(a.id.str(), "archive");
  EXPECT_EQ(a.type, StorageType::kFilesystem);
  EXPECT_EQ(a.path.value_or(""), "/mnt/archive");
  EXPECT_FALSE(a.name || a.description || a.shared_tables_template || a.user_tables_template ||
               a.credentials_json || a.config_json || a.bucket || a.region);

  // Every clause, in an unusual order, with a quoted type and its alias.
  auto b = ParseAs<CreateStorageStmt>(
      "create storage Cold_1 CONFIG '{\"k\":1}' NAME 'Cold' TYPE 'local' "
      "USER_TABLES_TEMPLATE '{namespace}/{tableName}/{userId}' DESCRIPTION 'old rows' "
      "BASE_DIRECTORY '/data/cold' SHARED_TABLES_TEMPLATE '{namespace}/{tableName}' CREDENTIALS '{}';");
  EXPECT_EQ(b.id.str(), "cold_1");  // folded like the STORAGE clause of CREATE TABLE
  EXPECT_EQ(b.type, StorageType::kFilesystem);
  EXPECT_EQ(b.name.value_or(""), "Cold");
  EXPECT_EQ(b.description.value_or(""), "old rows");
  EXPECT_EQ(b.path.value_or(""), "/data/cold");
  EXPECT_EQ(b.shared_tables_template.value_or(""), "{namespace}/{tableName}");
  EXPECT_EQ(b.user_tables_template.value_or(""), "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(b.credentials_json.value_or(""), "{}");
  EXPECT_EQ(b.config_json.value_or(""), "{\"k\":1}");

  // Placeholders stay as written; the engine splits the PATH.
  auto c = ParseAs<CreateStorageStmt>("CREATE STORAGE 'x' TYPE \"FILESYSTEM\" PATH '/d/${namespace}/${user_id}'");
  EXPECT_EQ(c.id.str(), "x");
  EXPECT_EQ(c.path.value_or(""), "/d/${namespace}/${user_id}");
}

TEST(StorageStatementTest, CloudTypesParse) {
  auto s3 = ParseAs<CreateStorageStmt>(
      "CREATE STORAGE s3_prod TYPE s3 PATH 's3://my-bucket/kalamdb/${namespace}/${user_id}' "
      "CREDENTIALS '{\"access_key_id\":\"..\",\"secret_access_key\":\"..\"}'");
  EXPECT_EQ(s3.type, StorageType::kS3);
  EXPECT_EQ(s3.credentials_json.value_or(""), R"({"access_key_id":"..","secret_access_key":".."})");
  auto bucket = ParseAs<CreateStorageStmt>("CREATE STORAGE s3b TYPE S3 BUCKET 'b' REGION 'eu-west-1'");
  EXPECT_EQ(bucket.bucket.value_or(""), "b");
  EXPECT_EQ(bucket.region.value_or(""), "eu-west-1");
  EXPECT_FALSE(bucket.path.has_value());
  EXPECT_EQ(ParseAs<CreateStorageStmt>("CREATE STORAGE g TYPE gcs PATH 'gs://b/x'").type, StorageType::kGcs);
  EXPECT_EQ(ParseAs<CreateStorageStmt>("CREATE STORAGE z TYPE 'azure' PATH 'az://c/x'").type, StorageType::kAzure);
}

TEST(StorageStatementTest, CreateErrors) {
  EXPECT_THAT(Error("CREATE STORAGE a PATH '/x'"), HasSubstr("requires TYPE"));
  EXPECT_THAT(Error("CREATE STORAGE a TYPE filesystem"), HasSubstr("requires PATH or BASE_DIRECTORY"));
  EXPECT_THAT(Error("CREATE STORAGE a TYPE ftp PATH '/x'"), HasSubstr("Unknown storage type 'ftp'"));
  EXPECT_EQ(Error("CREATE STORAGE a TYPE filesystem PATH '/x' PATH '/y'"), "PATH given more than once");
  EXPECT_EQ(Error("CREATE STORAGE a TYPE filesystem NAME 'a' PATH '/x' NAME 'b'"), "NAME given more than once");
  EXPECT_EQ(Error("CREATE STORAGE a TYPE filesystem TYPE s3 PATH '/x'"), "TYPE given more than once");
  EXPECT_THAT(Error("CREATE STORAGE a TYPE filesystem PATH '/x' BASE_DIRECTORY '/y'"), HasSubstr("alternatives"));
  EXPECT_EQ(Error("CREATE STORAGE a TYPE filesystem PATH '/x' BUCKET 'b'"), "BUCKET is only valid for s3 storages");
  EXPECT_EQ(Error("CREATE STORAGE a TYPE gcs PATH 'gs://x' REGION 'r'"), "REGION is only valid for s3 storages");
  EXPECT_THAT(Error("CREATE STORAGE a TYPE filesystem PATH /x"), HasSubstr("a quoted string after PATH"));
  EXPECT_THAT(Error("CREATE STORAGE a TYPE filesystem PATH '/x' COLOR 'red'"), HasSubstr("Syntax error"));
  EXPECT_THAT(Error("CREATE STORAGE _a TYPE filesystem PATH '/x'"), HasSubstr("Storage name '_a'"));
  EXPECT_THAT(Error("CREATE STORAGE 1a TYPE filesystem PATH '/x'"), HasSubstr("Storage name '1a'"));
  EXPECT_THAT(Error("CREATE STORAGE TYPE filesystem PATH '/x'"), HasSubstr("Syntax error"));
  EXPECT_THAT(Error("CREATE STORAGE"), HasSubstr("a storage name"));
}

TEST(StorageStatementTest, AlterForms) {
  auto one = ParseAs<AlterStorageStmt>("ALTER STORAGE archive SET NAME 'Archive'");
  EXPECT_EQ(one.id.str(), "archive");
  EXPECT_EQ(one.name.value_or(""), "Archive");
  EXPECT_FALSE(one.description || one.shared_tables_template || one.user_tables_template || one.config_json);

  auto all = ParseAs<AlterStorageStmt>(
      "ALTER STORAGE archive SET DESCRIPTION 'd' SET SHARED_TABLES_TEMPLATE 's/{namespace}/{tableName}' "
      "SET USER_TABLES_TEMPLATE 'u/{namespace}/{tableName}/{userId}' SET CONFIG '{}' SET NAME 'n';");
  EXPECT_EQ(all.description.value_or(""), "d");
  EXPECT_EQ(all.shared_tables_template.value_or(""), "s/{namespace}/{tableName}");
  EXPECT_EQ(all.user_tables_template.value_or(""), "u/{namespace}/{tableName}/{userId}");
  EXPECT_EQ(all.config_json.value_or(""), "{}");
  EXPECT_EQ(all.name.value_or(""), "n");

  auto commas = ParseAs<AlterStorageStmt>("alter storage archive set name 'n', description 'd'");
  EXPECT_EQ(commas.name.value_or(""), "n");
  EXPECT_EQ(commas.description.value_or(""), "d");

  EXPECT_THAT(Error("ALTER STORAGE archive"), HasSubstr("expected SET"));
  EXPECT_EQ(Error("ALTER STORAGE archive SET NAME 'a' SET NAME 'b'"), "NAME given more than once");
  EXPECT_THAT(Error("ALTER STORAGE archive SET PATH '/y'"), HasSubstr("cannot change PATH"));
  EXPECT_THAT(Error("ALTER STORAGE archive SET credentials '{}'"), HasSubstr("cannot change CREDENTIALS"));
  EXPECT_THAT(Error("ALTER STORAGE archive SET COLOR 'x'"), HasSubstr("Syntax error"));
  EXPECT_THAT(Error("ALTER STORAGE archive SET NAME 'a' DESCRIPTION 'b'"), HasSubstr("expected SET"));
}

TEST(StorageStatementTest, DropAndShow) {
  auto d = ParseAs<DropStorageStmt>("DROP STORAGE archive");
  EXPECT_EQ(d.id.str(), "archive");
  EXPECT_FALSE(d.if_exists);
  auto e = ParseAs<DropStorageStmt>("drop storage if exists 'Archive';");
  EXPECT_TRUE(e.if_exists);
  EXPECT_EQ(e.id.str(), "archive");
  EXPECT_THAT(Error("DROP STORAGE a b"), HasSubstr("after end of statement"));
  ParseAs<ShowStoragesStmt>("SHOW STORAGES");
  ParseAs<ShowStoragesStmt>("show storages;");
  EXPECT_FALSE(ParseKalamStatement("SHOW STORAGES x").ok());
  auto check = ParseAs<StorageCheckStmt>("STORAGE CHECK archive");
  EXPECT_EQ(check.id.str(), "archive");
  EXPECT_FALSE(check.extended);
  EXPECT_TRUE(ParseAs<StorageCheckStmt>("storage check 'Archive' extended;").extended);
  EXPECT_THAT(Error("STORAGE CHECK archive FULL"), HasSubstr("after end of statement"));
  // FLUSH forms starting with STORAGE are unaffected.
  EXPECT_TRUE(std::holds_alternative<FlushTableStmt>(ParseKalamStatement("STORAGE FLUSH TABLE app.t").value()));
}

}  // namespace
}  // namespace kalam::dialect
