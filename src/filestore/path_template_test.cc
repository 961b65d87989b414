#include "kalam/filestore/path_template.h"

#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/storage_definition.h"
#include "test_util.h"

namespace kalam::filestore {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;

const NamespaceId kApp("app");
const TableName kMessages("messages");

std::pair<std::string, std::string> SplitOrDie(std::string_view path) {
  auto split = SplitStoragePath(path);
  EXPECT_TRUE(split.ok()) << path << ": " << split.status().ToString();
  return split.ok() ? *split : std::pair<std::string, std::string>();
}

StorageTemplates DeriveOrDie(std::string_view tmpl) {
  auto derived = DeriveTemplates(tmpl);
  EXPECT_TRUE(derived.ok()) << tmpl << ": " << derived.status().ToString();
  return derived.ok() ? *derived : StorageTemplates();
}

Result<std::string> ResolveUser(std::string_view tmpl, const std::string& user) {
  const UserId id(user);
  return ResolveTemplate(tmpl, kApp, kMessages, &id);
}

constexpr std::string_view kUserTemplate = "{namespace}/{tableName}/{userId}";
constexpr std::string_view kSharedTemplate = "{namespace}/{tableName}";

// ---- SplitStoragePath + DeriveTemplates: the examples of docs/sql-reference.md -------------------------------

TEST(SplitStoragePathTest, LocalPathWithDollarPlaceholders) {
  auto [base, tmpl] = SplitOrDie("/data/storage/${namespace}/${user_id}");
  EXPECT_EQ(base, "/data/storage");
  EXPECT_EQ(tmpl, "{namespace}/{userId}");
  StorageTemplates t = DeriveOrDie(tmpl);
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");
}

TEST(SplitStoragePathTest, S3Url) {
  auto [base, tmpl] = SplitOrDie("s3://my-bucket/kalamdb/${namespace}/${user_id}");
  EXPECT_EQ(base, "s3://my-bucket/kalamdb");
  EXPECT_EQ(tmpl, "{namespace}/{userId}");
  StorageTemplates t = DeriveOrDie(tmpl);
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");
}

TEST(SplitStoragePathTest, CanonicalAndTablePlaceholders) {
  EXPECT_THAT(SplitOrDie("/d/{namespace}/{tableName}/{userId}"),
              Pair("/d", "{namespace}/{tableName}/{userId}"));
  EXPECT_THAT(SplitOrDie("/d/${namespace}/${table}/${user_id}"),
              Pair("/d", "{namespace}/{tableName}/{userId}"));
  // Literal segments after the first placeholder belong to the template.
  EXPECT_THAT(SplitOrDie("/d/${namespace}/tables/t-${table}"), Pair("/d", "{namespace}/tables/t-{tableName}"));
  // The base ends before the first segment holding a placeholder, even mid-segment.
  EXPECT_THAT(SplitOrDie("/d/ns-${namespace}"), Pair("/d", "ns-{namespace}"));
}

TEST(SplitStoragePathTest, WithoutPlaceholdersAllIsBase) {
  EXPECT_THAT(SplitOrDie("/mnt/archive"), Pair("/mnt/archive", ""));
  EXPECT_THAT(SplitOrDie("/mnt/archive/"), Pair("/mnt/archive", ""));
  EXPECT_THAT(SplitOrDie("./data/storage"), Pair("./data/storage", ""));
  EXPECT_THAT(SplitOrDie("/"), Pair("/", ""));
}

TEST(SplitStoragePathTest, RootBaseAndTrailingSlashes) {
  EXPECT_THAT(SplitOrDie("/${namespace}"), Pair("/", "{namespace}"));
  EXPECT_THAT(SplitOrDie("/d//${namespace}/"), Pair("/d", "{namespace}"));
}

TEST(SplitStoragePathTest, RejectsBadPaths) {
  for (const std::string& bad : {std::string(""), std::string("${namespace}/x"), std::string("{namespace}"),
                                 std::string("/d/${unknown}"), std::string("/d/{shard}"),
                                 std::string("/d/{namespace}/../x"), std::string("/d/{namespace}/./x"),
                                 std::string("/d/{namespace}//{userId}"), std::string("/d/{namespace}{tableName}"),
                                 std::string("/d/{namespace"), std::string("/d/x}"), std::string("/d/{namespace}/a\\b"),
                                 std::string("/d/{namespace}/.hidden"), std::string("/d/${namespace}\0x", 17)}) {
    auto split = SplitStoragePath(bad);
    EXPECT_FALSE(split.ok()) << bad;
    if (!split.ok()) {
      EXPECT_EQ(split.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(DeriveTemplatesTest, AppendsWhatIsMissing) {
  StorageTemplates t = DeriveOrDie("");
  EXPECT_EQ(t.user_template, "{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{tableName}");

  t = DeriveOrDie("{userId}");
  EXPECT_EQ(t.user_template, "{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{tableName}");

  t = DeriveOrDie("{namespace}");
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");

  t = DeriveOrDie("{namespace}/{tableName}");
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");

  t = DeriveOrDie("{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");
}

TEST(DeriveTemplatesTest, KeepsLiteralSegmentsAndExistingOrder) {
  StorageTemplates t = DeriveOrDie("tenants/{namespace}/u-{userId}/data");
  EXPECT_EQ(t.user_template, "tenants/{namespace}/{tableName}/u-{userId}/data");
  EXPECT_EQ(t.shared_template, "tenants/{namespace}/data/{tableName}");

  // Present placeholders are never moved.
  t = DeriveOrDie("{userId}/{namespace}/{tableName}");
  EXPECT_EQ(t.user_template, "{userId}/{namespace}/{tableName}");
  EXPECT_EQ(t.shared_template, "{namespace}/{tableName}");

  // Input spelled with `${…}` comes out canonical.
  t = DeriveOrDie("${namespace}/${user_id}");
  EXPECT_EQ(t.user_template, "{namespace}/{tableName}/{userId}");
}

TEST(DeriveTemplatesTest, RejectsInvalidTemplate) {
  EXPECT_EQ(DeriveTemplates("/abs/{namespace}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DeriveTemplates("{namespace}/..").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DeriveTemplates("{bogus}").status().code(), StatusCode::kInvalidArgument);
}

// ---- Normalize* -------------------------------------------------------------------------------

TEST(NormalizeTemplateTest, CanonicalForm) {
  EXPECT_EQ(ValueOrDie(NormalizeTemplate("${namespace}/${table}/${user_id}")), kUserTemplate);
  EXPECT_EQ(ValueOrDie(NormalizeTemplate("{namespace}/{tableName}/")), kSharedTemplate);
  EXPECT_EQ(ValueOrDie(NormalizeTemplate("a$b/{namespace}")), "a$b/{namespace}");  // '$' alone is literal
  EXPECT_EQ(ValueOrDie(NormalizeTemplate("")), "");
}

TEST(NormalizeTemplateTest, UserAndSharedRules) {
  EXPECT_EQ(ValueOrDie(NormalizeUserTemplate("{namespace}/{tableName}/{userId}")), kUserTemplate);
  EXPECT_FALSE(NormalizeUserTemplate("{namespace}/{tableName}").ok());  // users would share
  EXPECT_FALSE(NormalizeUserTemplate("{namespace}/{userId}").ok());     // tables would share
  EXPECT_EQ(ValueOrDie(NormalizeSharedTemplate("{namespace}/{tableName}")), kSharedTemplate);
  EXPECT_FALSE(NormalizeSharedTemplate("{namespace}").ok());
  EXPECT_FALSE(NormalizeSharedTemplate("{namespace}/{tableName}/{userId}").ok());
  // The `{…}` form does not take the `${…}` names, and vice versa.
  EXPECT_FALSE(NormalizeTemplate("{table}").ok());
  EXPECT_FALSE(NormalizeTemplate("{user_id}").ok());
  EXPECT_FALSE(NormalizeTemplate("${tableName}").ok());
}

// ---- ResolveTemplate ------------------------------------------------------------------------

TEST(ResolveTemplateTest, DefaultTemplates) {
  EXPECT_EQ(ValueOrDie(ResolveUser(kUserTemplate, "alice")), "app/messages/alice");
  EXPECT_EQ(ValueOrDie(ResolveTemplate(kSharedTemplate, kApp, kMessages, nullptr)), "app/messages");
  // User ids may hold '.', '@', '+', '-' (names.h) as long as they do not start with '.'.
  EXPECT_EQ(ValueOrDie(ResolveUser(kUserTemplate, "bob.smith@example.com")), "app/messages/bob.smith@example.com");
  EXPECT_EQ(ValueOrDie(ResolveUser(kUserTemplate, "a..b")), "app/messages/a..b");  // not a '..' segment
}

TEST(ResolveTemplateTest, LiteralTextAndDollarForms) {
  EXPECT_EQ(ValueOrDie(ResolveUser("data/{namespace}/t_{tableName}/u-{userId}.d", "alice")),
            "data/app/t_messages/u-alice.d");
  EXPECT_EQ(ValueOrDie(ResolveUser("${namespace}/${table}/${user_id}", "alice")), "app/messages/alice");
}

TEST(ResolveTemplateTest, RejectsUnsafeUserIds) {
  const std::string too_long(256, 'a');
  for (const std::string& bad : {std::string(""), std::string("/"), std::string("a/b"), std::string("../x"),
                                 std::string(".."), std::string("."), std::string(".hidden"), std::string("a\\b"),
                                 std::string("..\\..\\x"), std::string("a\0b", 3), std::string("/etc/passwd"),
                                 too_long}) {
    auto resolved = ResolveUser(kUserTemplate, bad);
    EXPECT_FALSE(resolved.ok()) << "user id accepted: " << bad;
    if (!resolved.ok()) {
      EXPECT_EQ(resolved.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(resolved.status().message(), HasSubstr("User id"));
    }
  }
  EXPECT_TRUE(ResolveUser(kUserTemplate, std::string(255, 'a')).ok());
}

TEST(ResolveTemplateTest, RejectsUnsafeNamespaceAndTable) {
  const UserId alice("alice");
  EXPECT_FALSE(ResolveTemplate(kUserTemplate, NamespaceId(".."), kMessages, &alice).ok());
  EXPECT_FALSE(ResolveTemplate(kUserTemplate, NamespaceId(""), kMessages, &alice).ok());
  EXPECT_FALSE(ResolveTemplate(kUserTemplate, kApp, TableName("../../etc"), &alice).ok());
  EXPECT_FALSE(ResolveTemplate(kSharedTemplate, kApp, TableName("a/b"), nullptr).ok());
  EXPECT_FALSE(ResolveTemplate(kSharedTemplate, NamespaceId(".git"), kMessages, nullptr).ok());
}

TEST(ResolveTemplateTest, RejectsBadTemplates) {
  const UserId alice("alice");
  for (std::string_view bad : {"/{namespace}/{tableName}/{userId}", "{namespace}/../{tableName}/{userId}",
                               "../{namespace}/{tableName}/{userId}", "{namespace}/{tableName}/{userId}/..",
                               "{namespace}/{tableName}/{shard}/{userId}", "{namespace}/{tableName}/{userId",
                               "{namespace}/{tableName}{userId}", "{namespace}//{tableName}/{userId}",
                               "{namespace}/{userId}"}) {
    EXPECT_FALSE(ResolveTemplate(bad, kApp, kMessages, &alice).ok()) << bad;
  }
}

TEST(ResolveTemplateTest, UserMustMatchTemplate) {
  const UserId alice("alice");
  // A user scope resolving to a directory without the user would mix users' files.
  auto shared_with_user = ResolveTemplate(kSharedTemplate, kApp, kMessages, &alice);
  EXPECT_EQ(shared_with_user.status().code(), StatusCode::kInvalidArgument);
  auto user_without_user = ResolveTemplate(kUserTemplate, kApp, kMessages, nullptr);
  EXPECT_EQ(user_without_user.status().code(), StatusCode::kInvalidArgument);
}

TEST(ResolveUserTableRootTest, PrefixBeforeUser) {
  EXPECT_EQ(ValueOrDie(ResolveUserTableRoot(kUserTemplate, kApp, kMessages)), "app/messages");
  EXPECT_EQ(ValueOrDie(ResolveUserTableRoot("x/{namespace}/t-{tableName}/u/{userId}/y", kApp, kMessages)), "x/app/t-messages/u");
  // Directories that other tables share are never "the table's".
  EXPECT_FALSE(ResolveUserTableRoot("{userId}/{namespace}/{tableName}", kApp, kMessages).ok());
  EXPECT_FALSE(ResolveUserTableRoot("{tableName}/{userId}", kApp, kMessages).ok());
  EXPECT_FALSE(ResolveUserTableRoot(kSharedTemplate, kApp, kMessages).ok());
  EXPECT_FALSE(ResolveUserTableRoot(kUserTemplate, kApp, TableName("..")).ok());
  EXPECT_FALSE(ResolveUserTableRoot(kUserTemplate, NamespaceId(".."), kMessages).ok());
}

// StorageDefinition lives in commons (inline, header only); its templates feed the above.
TEST(StorageDefinitionTest, TypesAndDefaults) {
  EXPECT_EQ(ParseStorageType("filesystem"), StorageType::kFilesystem);
  EXPECT_EQ(ParseStorageType("LOCAL"), StorageType::kFilesystem);
  EXPECT_EQ(ParseStorageType("S3"), StorageType::kS3);
  EXPECT_EQ(ParseStorageType("gcs"), StorageType::kGcs);
  EXPECT_EQ(ParseStorageType("Azure"), StorageType::kAzure);
  EXPECT_FALSE(ParseStorageType("ftp").has_value());
  EXPECT_FALSE(ParseStorageType("").has_value());
  EXPECT_EQ(StorageTypeName(StorageType::kFilesystem), "filesystem");
  EXPECT_EQ(StorageTypeName(StorageType::kAzure), "azure");
  const StorageDefinition def;
  EXPECT_EQ(ValueOrDie(NormalizeUserTemplate(def.user_tables_template)), def.user_tables_template);
  EXPECT_EQ(ValueOrDie(NormalizeSharedTemplate(def.shared_tables_template)), def.shared_tables_template);
}

}  // namespace
}  // namespace kalam::filestore
