// CREATE / ALTER / DROP STORAGE, SHOW STORAGES and system.storages, and tables whose cold
// tier lives in a storage other than `local`, through the engine (embedded: FLUSH runs inline).
#include <filesystem>
#include <fstream>
#include <string>

#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kStorageColumns =
    "storage_id, storage_name, description, storage_type, base_directory, credentials, config_json, "
    "shared_tables_template, user_tables_template";

class StorageStatementsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
  std::string LocalBase() const { return dir_.path() + "/storage"; }
  // A directory outside the data directory for storages' files.
  std::string Outside(const std::string& name) const { return outside_.path() + "/" + name; }
  std::vector<std::string> Storages() {
    return Query(Root(), std::string("SELECT ") + kStorageColumns + " FROM system.storages ORDER BY storage_id");
  }
  std::vector<std::string> Storage(const std::string& id) {
    return Query(Root(),
                 std::string("SELECT ") + kStorageColumns + " FROM system.storages WHERE storage_id = '" + id + "'");
  }

  TempDir outside_;
};

TEST_F(StorageStatementsTest, BuiltInLocalStorage) {
  EXPECT_THAT(Storages(), ElementsAre("local|Local storage|Built-in filesystem storage under the data directory|"
                                      "filesystem|" + LocalBase() +
                                      "|NULL|NULL|{namespace}/{tableName}|{namespace}/{tableName}/{userId}"));
  EXPECT_THAT(Query(Root(), "SELECT created_at IS NOT NULL, updated_at >= created_at FROM system.storages"),
              ElementsAre("true|true"));
  // SHOW STORAGES is system.storages, with the same columns.
  StatementResult shown = Run(Root(), "SHOW STORAGES");
  ASSERT_EQ(shown.columns.size(), 11u);
  EXPECT_EQ(shown.columns[0].name, "storage_id");
  EXPECT_EQ(shown.columns[5].name, "credentials");
  EXPECT_EQ(shown.columns[10].name, "updated_at");
  EXPECT_THAT(Rows(shown), ElementsAre(StartsWith("local|Local storage|")));
  EXPECT_TRUE(fs::is_directory(LocalBase()));

  // `local` cannot be dropped, even with IF EXISTS; its templates follow the configuration.
  Status drop = Fail(Root(), "DROP STORAGE local");
  EXPECT_EQ(drop.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(drop.message(), HasSubstr("Cannot drop the built-in storage 'local'"));
  EXPECT_THAT(Fail(Root(), "DROP STORAGE IF EXISTS local").message(), HasSubstr("built-in storage 'local'"));
  EXPECT_THAT(Fail(Root(), "ALTER STORAGE local SET SHARED_TABLES_TEMPLATE 'x/{namespace}/{tableName}'").message(),
              HasSubstr("server configuration"));
  EXPECT_EQ(Run(Root(), "ALTER STORAGE local SET NAME 'Disk' SET DESCRIPTION 'main'").message,
            "Storage 'local' updated");
  // Setting a template to its current value changes nothing and is allowed.
  Run(Root(), "ALTER STORAGE local SET USER_TABLES_TEMPLATE '{namespace}/{tableName}/{userId}'");
  Reopen();
  EXPECT_THAT(Storages(), ElementsAre(StartsWith("local|Disk|main|filesystem|" + LocalBase() + "|")));
}

TEST_F(StorageStatementsTest, CreateAlterDropLifecycle) {
  const std::string base = Outside("archive");
  EXPECT_EQ(Run(Root(), "CREATE STORAGE archive TYPE filesystem NAME 'Archive' DESCRIPTION 'old rows' PATH '" + base +
                            R"(' CREDENTIALS '{"key":"secret"}' CONFIG '{"tier":"cold"}')")
                .message,
            "Storage 'archive' created");
  EXPECT_TRUE(fs::is_directory(base));
  // The probe leaves nothing behind.
  EXPECT_TRUE(fs::is_empty(base));
  EXPECT_THAT(Storage("archive"), ElementsAre("archive|Archive|old rows|filesystem|" + base +
                                              R"(|***|{"tier":"cold"}|{namespace}/{tableName}|)"
                                              "{namespace}/{tableName}/{userId}"));
  EXPECT_THAT(Query(Root(), "SELECT storage_id FROM system.storages ORDER BY storage_id"),
              ElementsAre("archive", "local"));

  Status dup = Fail(Root(), "CREATE STORAGE archive TYPE filesystem PATH '" + Outside("other") + "'");
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), HasSubstr("Storage 'archive' already exists"));

  EXPECT_EQ(Run(Root(), R"(ALTER STORAGE archive SET NAME 'Cold' SET DESCRIPTION 'older rows' SET CONFIG '{"a":1}')")
                .message,
            "Storage 'archive' updated");
  EXPECT_THAT(Storage("archive"), ElementsAre(StartsWith(R"(archive|Cold|older rows|filesystem|)" + base +
                                                         R"(|***|{"a":1}|)")));
  EXPECT_THAT(Query(Root(), "SELECT updated_at > created_at FROM system.storages WHERE storage_id = 'archive'"),
              ElementsAre("true"));
  Reopen();
  EXPECT_THAT(Storage("archive"), ElementsAre(StartsWith("archive|Cold|older rows|")));

  Status missing_alter = Fail(Root(), "ALTER STORAGE nope SET NAME 'x'");
  EXPECT_EQ(missing_alter.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing_alter.message(), HasSubstr("Storage 'nope' does not exist"));

  EXPECT_EQ(Run(Root(), "DROP STORAGE archive").message, "Storage 'archive' dropped");
  Status missing = Fail(Root(), "DROP STORAGE archive");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("Storage 'archive' does not exist"));
  Run(Root(), "DROP STORAGE IF EXISTS archive");
  EXPECT_THAT(Query(Root(), "SELECT storage_id FROM system.storages"), ElementsAre("local"));
  // The directory is the operator's: dropping the definition leaves it alone.
  EXPECT_TRUE(fs::is_directory(base));
  Reopen();
  EXPECT_THAT(Query(Root(), "SELECT storage_id FROM system.storages"), ElementsAre("local"));
}

TEST_F(StorageStatementsTest, PathSplittingAndTemplates) {
  Run(Root(), "CREATE STORAGE split TYPE 'local' PATH '" + Outside("split") + "/${namespace}/${user_id}'");
  EXPECT_THAT(Storage("split"), ElementsAre("split|split|NULL|filesystem|" + Outside("split") +
                                            "|NULL|NULL|{namespace}/{tableName}|{namespace}/{tableName}/{userId}"));
  // Explicit template clauses win over the ones derived from PATH.
  Run(Root(), "CREATE STORAGE layered TYPE filesystem BASE_DIRECTORY '" + Outside("layered") +
                  "/' SHARED_TABLES_TEMPLATE 'shared/${namespace}/${table}' "
                  "USER_TABLES_TEMPLATE 'users/{namespace}/{tableName}/{userId}/'");
  EXPECT_THAT(Storage("layered"), ElementsAre("layered|layered|NULL|filesystem|" + Outside("layered") +
                                              "|NULL|NULL|shared/{namespace}/{tableName}|"
                                              "users/{namespace}/{tableName}/{userId}"));
  Run(Root(), "CREATE STORAGE mixed TYPE filesystem PATH '" + Outside("mixed") +
                  "/{namespace}/{userId}' USER_TABLES_TEMPLATE '{namespace}/{tableName}/{userId}/data'");
  EXPECT_THAT(Storage("mixed"),
              ElementsAre(HasSubstr("|{namespace}/{tableName}|{namespace}/{tableName}/{userId}/data")));
  // A relative PATH is made absolute once, at creation.
  Run(Root(), "CREATE STORAGE rel TYPE filesystem PATH '" + fs::relative(Outside("rel")).string() + "'");
  const std::string absolute = fs::absolute(Outside("rel")).lexically_normal().string();
  EXPECT_THAT(Storage("rel"), ElementsAre(HasSubstr("|filesystem|" + absolute + "|")));
}

TEST_F(StorageStatementsTest, RefusedDefinitions) {
  auto refuse = [&](const std::string& sql, const std::string& message) {
    EXPECT_THAT(Fail(Root(), sql).message(), HasSubstr(message)) << sql;
  };
  const std::string path = " PATH '" + Outside("x") + "'";
  // Templates that would leave the base, or let tables share or nest directories.
  refuse("CREATE STORAGE a TYPE filesystem" + path + " SHARED_TABLES_TEMPLATE '../{namespace}/{tableName}'", "'..'");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " USER_TABLES_TEMPLATE '/abs/{namespace}/{tableName}/{userId}'",
         "relative to the base directory");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("x") + "/{namespace}/../{userId}'", "'..'");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " SHARED_TABLES_TEMPLATE '{tableName}'",
         "SHARED_TABLES_TEMPLATE must contain {namespace}");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("x") + "/{tableName}'",
         "must contain {namespace}");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " SHARED_TABLES_TEMPLATE '{namespace}/{userId}/{tableName}'",
         "must not contain {userId}");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " USER_TABLES_TEMPLATE '{userId}/{namespace}/{tableName}'",
         "USER_TABLES_TEMPLATE must hold {userId} as a segment of its own");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " USER_TABLES_TEMPLATE '{namespace}/{tableName}/u_{userId}'",
         "USER_TABLES_TEMPLATE must hold {userId} as a segment of its own");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " USER_TABLES_TEMPLATE 'x/{namespace}/{tableName}/{userId}'",
         "must lay out table directories alike");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("x") + "/{namespace}/{userId}/files'",
         "must lay out table directories alike");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " USER_TABLES_TEMPLATE '{namespace}/{tableName}'",
         "must contain {tableName} and {userId}");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " SHARED_TABLES_TEMPLATE '{namespace}/{bogus}'",
         "placeholder");
  // CREDENTIALS and CONFIG are JSON objects.
  refuse("CREATE STORAGE a TYPE filesystem" + path + " CREDENTIALS 'secret'", "CREDENTIALS must be a JSON object");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " CONFIG '[1,2]'", "CONFIG must be a JSON object");
  refuse("CREATE STORAGE a TYPE filesystem" + path + " CONFIG ''", "CONFIG must be a JSON object");
  // A filesystem storage needs a directory it can use, apart from every other storage.
  refuse("CREATE STORAGE a TYPE filesystem PATH 's3://bucket/x'", "needs a local directory");
  refuse("CREATE STORAGE a TYPE filesystem PATH '{namespace}/{userId}'", "base directory");
  {
    std::ofstream(Outside("file")) << "not a directory";
  }
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("file") + "/sub'", "Storage check failed");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + LocalBase() + "/app'", "base directory '" + LocalBase());
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + dir_.path() + "'", "overlaps");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + dir_.path() + "/rocksdb/x'", "hot tier directory");
  Run(Root(), "CREATE STORAGE b TYPE filesystem PATH '" + Outside("b") + "'");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("b") + "/'", "of storage 'b'");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + Outside("b") + "/inner'", "of storage 'b'");
  refuse("CREATE STORAGE a TYPE filesystem PATH '" + outside_.path() + "'", "of storage 'b'");
  // Storage ids follow the identifier rules.
  refuse("CREATE STORAGE _a TYPE filesystem" + path, "Storage name '_a'");
  refuse("CREATE STORAGE \"select\" TYPE filesystem" + path, "Storage name 'select'");
  // Planned storage types (s3 storages: s3_storage_test in tests/).
  refuse("CREATE STORAGE g TYPE gcs PATH 'gs://b/x'", "Not supported yet: gcs storages");
  refuse("CREATE STORAGE z TYPE azure PATH 'az://c/x'", "Not supported yet: azure storages");
  EXPECT_THAT(Fail(Root(), "STORAGE CHECK nothing").message(), HasSubstr("Storage 'nothing' does not exist"));
  // Nothing above was saved; a data-dir subdirectory beside storage/ and rocksdb/ is fine.
  EXPECT_THAT(Query(Root(), "SELECT storage_id FROM system.storages ORDER BY storage_id"), ElementsAre("b", "local"));
  Run(Root(), "CREATE STORAGE a TYPE filesystem PATH '" + dir_.path() + "/archive'");
}

// Storage directories are normalised (lexically, and through the links of what exists) and
// refused inside system directories with a 400-class error, before anything is created. The
// /proc cases come first: on a server without the check they fail without writing anything.
TEST_F(StorageStatementsTest, SystemDirectoriesAreRefused) {
  fs::create_directory_symlink("/proc/self", Outside("proc-link"));
  for (const std::string& path : {std::string("/proc/self"), Outside("proc-link")}) {
    Status refused = Fail(Root(), "CREATE STORAGE p TYPE filesystem PATH '" + path + "'");
    ASSERT_EQ(refused.code(), StatusCode::kInvalidArgument) << path << ": " << refused.ToString();
    EXPECT_THAT(refused.message(), HasSubstr("Storage directory '" + path + "'"));
    EXPECT_THAT(refused.message(), HasSubstr("system directories"));
  }
  const std::string climbing = Outside("a") + "/../../../../../../../../../../etc/kalamdb-storage-test";
  for (const std::string& path : {climbing, std::string("/etc/kalamdb-storage-test"), std::string("/"),
                                  std::string("/usr/local/kalamdb-storage-test"), std::string("/sys")}) {
    Status refused = Fail(Root(), "CREATE STORAGE p TYPE filesystem PATH '" + path + "'");
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(refused.message(), HasSubstr("system directories")) << path;
  }
  EXPECT_THAT(Fail(Root(), "CREATE STORAGE p TYPE filesystem PATH '" + climbing + "'").message(),
              HasSubstr("(/etc/kalamdb-storage-test)"));
  // A usable directory is stored in its normal form.
  Run(Root(), "CREATE STORAGE p TYPE filesystem PATH '" + Outside("x") + "/./y/../z/'");
  EXPECT_THAT(Query(Root(), "SELECT base_directory FROM system.storages WHERE storage_id = 'p'"),
              ElementsAre(fs::canonical(outside_.path()).string() + "/x/z"));
}

// DROP TABLE deletes the table's segments and manifests, and the directories they leave
// empty; files that were in the storage's directory before (or were put there by someone
// else) stay, and so do the directories that hold them.
TEST_F(StorageStatementsTest, DropTableKeepsFilesKalamDbDidNotWrite) {
  const std::string base = Outside("existing");
  fs::create_directories(base + "/app/m/alice");
  std::ofstream(base + "/photo.jpg") << "keep";
  std::ofstream(base + "/app/m/README") << "keep";
  std::ofstream(base + "/app/m/alice/notes.txt") << "keep";
  Run(Root(), "CREATE STORAGE existing TYPE filesystem PATH '" + base + "'");
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY) STORAGE existing");
  Run(As("alice"), "INSERT INTO app.m VALUES (1)");
  Run(As("bob"), "INSERT INTO app.m VALUES (2)");
  Run(Root(), "FLUSH TABLE app.m");
  ASSERT_TRUE(fs::exists(base + "/app/m/alice/batch-0.parquet"));
  ASSERT_TRUE(fs::exists(base + "/app/m/bob/manifest.json"));

  Run(Root(), "DROP TABLE app.m");
  EXPECT_FALSE(fs::exists(base + "/app/m/alice/batch-0.parquet"));
  EXPECT_FALSE(fs::exists(base + "/app/m/alice/manifest.json"));
  EXPECT_FALSE(fs::exists(base + "/app/m/bob"));
  EXPECT_TRUE(fs::exists(base + "/photo.jpg"));
  EXPECT_TRUE(fs::exists(base + "/app/m/README"));
  EXPECT_TRUE(fs::exists(base + "/app/m/alice/notes.txt"));
}

TEST_F(StorageStatementsTest, AdminOnly) {
  for (Role role : {Role::kUser, Role::kService}) {
    Session& s = As("someone", role);
    for (const std::string& sql : {"CREATE STORAGE a TYPE filesystem PATH '" + Outside("a") + "'",
                                  std::string("ALTER STORAGE local SET NAME 'x'"), std::string("DROP STORAGE local"),
                                  std::string("SHOW STORAGES"), std::string("SELECT * FROM system.storages")}) {
      EXPECT_EQ(Fail(s, sql).code(), StatusCode::kPermissionDenied) << sql;
    }
  }
  Session& dba = As("ops", Role::kDba);
  EXPECT_EQ(Run(dba, "CREATE STORAGE a TYPE filesystem PATH '" + Outside("a") + "'").message, "Storage 'a' created");
  EXPECT_THAT(Query(dba, "SHOW STORAGES"), ElementsAre(StartsWith("a|"), StartsWith("local|")));
  Run(dba, "ALTER STORAGE a SET DESCRIPTION 'd'");
  Run(dba, "DROP STORAGE a");
}

TEST_F(StorageStatementsTest, TablesFlushIntoTheirStorage) {
  const std::string base = Outside("archive");
  Run(Root(), "CREATE STORAGE archive TYPE filesystem PATH '" + base + "'");
  Status missing = Fail(Root(), "CREATE USER TABLE app.x (id BIGINT) STORAGE nope");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("Storage 'nope' does not exist"));
  EXPECT_THAT(Fail(Root(), "CREATE SHARED TABLE app.x (id BIGINT) WITH (STORAGE_ID = 'nope')").message(),
              HasSubstr("Storage 'nope' does not exist"));

  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT) STORAGE archive");
  Run(Root(), "CREATE SHARED TABLE app.s (id BIGINT PRIMARY KEY, v TEXT) WITH (STORAGE_ID = 'archive')");
  Run(Root(), "CREATE SHARED TABLE app.l (id BIGINT PRIMARY KEY, v TEXT)");
  EXPECT_THAT(Query(Root(), "SELECT table_name, storage_id FROM system.tables ORDER BY table_name"),
              ElementsAre("l|local", "m|archive", "s|archive"));
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'one'), (2, 'two')");
  Run(As("bob"), "INSERT INTO app.m VALUES (1, 'bob')");
  Run(Root(), "INSERT INTO app.s VALUES (1, 'a'), (2, 'b')");
  Run(Root(), "INSERT INTO app.l VALUES (7, 'local')");
  auto before = Query(As("alice"), "SELECT id, body, _seq FROM app.m ORDER BY id");

  EXPECT_THAT(Run(Root(), "FLUSH TABLE app.m").message, HasSubstr("Flushed 3 row(s) to 2 file(s)"));
  Run(Root(), "FLUSH TABLE app.s");
  Run(Root(), "FLUSH TABLE app.l");
  EXPECT_TRUE(fs::exists(base + "/app/m/alice/batch-0.parquet"));
  EXPECT_TRUE(fs::exists(base + "/app/m/alice/manifest.json"));
  EXPECT_TRUE(fs::exists(base + "/app/m/bob/batch-0.parquet"));
  EXPECT_TRUE(fs::exists(base + "/app/s/batch-0.parquet"));
  EXPECT_TRUE(fs::exists(base + "/app/s/manifest.json"));
  EXPECT_FALSE(fs::exists(LocalBase() + "/app/m"));
  EXPECT_FALSE(fs::exists(LocalBase() + "/app/s"));
  EXPECT_TRUE(fs::exists(LocalBase() + "/app/l/batch-0.parquet"));
  EXPECT_FALSE(fs::exists(base + "/app/l"));

  // Reads see one table across both tiers, before and after a restart.
  EXPECT_EQ(Query(As("alice"), "SELECT id, body, _seq FROM app.m ORDER BY id"), before);
  EXPECT_THAT(Query(As("bob"), "SELECT id, body FROM app.m"), ElementsAre("1|bob"));
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), ElementsAre("1|a", "2|b"));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.m"), ElementsAre(StartsWith("app|m|user|1|0|3|2|")));
  Reopen();
  EXPECT_THAT(Query(As("alice"), "SELECT id, body FROM app.m ORDER BY id"), ElementsAre("1|one", "2|two"));
  Run(Root(), "UPDATE app.s SET v = 'B' WHERE id = 2");
  Run(Root(), "FLUSH TABLE app.s");
  EXPECT_TRUE(fs::exists(base + "/app/s/batch-1.parquet"));
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), ElementsAre("1|a", "2|B"));

  // While tables use it, the storage cannot go and its templates cannot change.
  Status in_use = Fail(Root(), "DROP STORAGE archive");
  EXPECT_EQ(in_use.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(in_use.message(), HasSubstr("Cannot drop storage 'archive': 2 table(s) still using it"));
  Status retemplate = Fail(Root(), "ALTER STORAGE archive SET SHARED_TABLES_TEMPLATE 'v2/{namespace}/{tableName}' "
                                   "SET USER_TABLES_TEMPLATE 'v2/{namespace}/{tableName}/{userId}'");
  EXPECT_EQ(retemplate.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(retemplate.message(), HasSubstr("Cannot change templates of storage 'archive' while 2 table(s) use it"));
  Run(Root(), "ALTER STORAGE archive SET NAME 'Archive'");
  EXPECT_THAT(Query(Root(), "SELECT id, v FROM app.s ORDER BY id"), ElementsAre("1|a", "2|B"));

  // DROP TABLE removes the files from the table's storage.
  Run(Root(), "DROP TABLE app.m");
  EXPECT_FALSE(fs::exists(base + "/app/m"));
  EXPECT_THAT(Fail(Root(), "DROP STORAGE archive").message(), HasSubstr("1 table(s) still using it"));
  Run(Root(), "DROP NAMESPACE app CASCADE");
  EXPECT_FALSE(fs::exists(base + "/app/s"));
  EXPECT_EQ(Run(Root(), "DROP STORAGE archive").message, "Storage 'archive' dropped");
}

TEST_F(StorageStatementsTest, CustomTemplatesPlaceFiles) {
  const std::string base = Outside("layout");
  Run(Root(), "CREATE STORAGE layout TYPE filesystem BASE_DIRECTORY '" + base +
                  "' SHARED_TABLES_TEMPLATE 'shared/{namespace}/{tableName}' "
                  "USER_TABLES_TEMPLATE 'users/{namespace}/{tableName}/{userId}'");
  // With no table on it yet, its templates may still change.
  EXPECT_EQ(Run(Root(), "ALTER STORAGE layout SET USER_TABLES_TEMPLATE 'per_user/{namespace}/{tableName}/{userId}'")
                .message,
            "Storage 'layout' updated");
  EXPECT_THAT(Fail(Root(), "ALTER STORAGE layout SET USER_TABLES_TEMPLATE '../{namespace}/{tableName}/{userId}'")
                  .message(),
              HasSubstr("'..'"));
  EXPECT_THAT(Fail(Root(), "ALTER STORAGE layout SET SHARED_TABLES_TEMPLATE 'a/b/{namespace}/{tableName}'").message(),
              HasSubstr("must lay out table directories alike"));
  Run(Root(), "CREATE USER TABLE app.notes (v TEXT) STORAGE layout");
  Run(Root(), "CREATE SHARED TABLE app.config (k TEXT PRIMARY KEY, v TEXT) STORAGE layout");
  Run(As("carol"), "INSERT INTO app.notes VALUES ('hello')");
  Run(Root(), "INSERT INTO app.config VALUES ('a', '1')");
  Run(Root(), "FLUSH ALL TABLES IN app");
  EXPECT_TRUE(fs::exists(base + "/per_user/app/notes/carol/batch-0.parquet"));
  EXPECT_TRUE(fs::exists(base + "/shared/app/config/batch-0.parquet"));
  EXPECT_THAT(Query(As("carol"), "SELECT v FROM app.notes"), ElementsAre("hello"));
  EXPECT_THAT(Query(Root(), "SELECT k, v FROM app.config"), ElementsAre("a|1"));
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.notes"), ElementsAre(StartsWith("app|notes|user|1|0|1|1|")));
}

}  // namespace
}  // namespace kalam::core::testing
