// BACKUP DATABASE / RESTORE DATABASE through the engine (embedded: the jobs run inline) over
// real RocksDB and real Parquet files: a namespace with several users, USER, SHARED and STREAM
// tables, flushed and hot rows, tombstones and two schema versions is backed up while a writer
// keeps inserting, restored into a fresh engine, and every user's rows match the source as of
// the backup's snapshot `_seq`. Checksums, the directory rules and failed backups are checked.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine_test_util.h"
#include "kalam/commons/failpoint.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::EndsWith;
using ::testing::StartsWith;

const std::vector<std::string> kUsers = {"alice", "bob", "carol"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The "snapshot_seq" of a backup.json.
int64_t SnapshotSeq(const std::string& backup_dir) {
  const std::string json = ReadFile(backup_dir + "/backup.json");
  const std::string key = "\"snapshot_seq\":\"";
  const size_t at = json.find(key);
  EXPECT_NE(at, std::string::npos) << json;
  if (at == std::string::npos) return 0;
  return std::stoll(json.substr(at + key.size()));
}

// A second engine over its own data directory: the server a backup is restored into.
class OtherEngine {
 public:
  OtherEngine() {
    EngineConfig config;
    config.query_threads = 1;
    config.data_path = dir_.path();
    auto opened = Engine::Open(config, {});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) engine_ = std::move(opened).value();
  }
  ~OtherEngine() {
    sessions_.clear();
    engine_.reset();
  }

  ExecutionOutcome Execute(const std::string& user, Role role, const std::string& sql) {
    sessions_.push_back(engine_->CreateSession(UserId(user), role));
    return engine_->Execute(*sessions_.back(), sql, {});
  }
  std::vector<std::string> Query(const std::string& user, Role role, const std::string& sql) {
    auto outcome = Execute(user, role, sql);
    EXPECT_TRUE(outcome.ok()) << sql << "\n  -> " << outcome.error.ToString();
    if (!outcome.ok() || outcome.results.empty()) return {};
    return Rows(outcome.results.back());
  }

 private:
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::unique_ptr<Session>> sessions_;
};

class BackupTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    backup_dir_ = backups_.path() + "/app-1";
  }
  void TearDown() override {
    DisarmAllFailpoints();
    EngineFixture::TearDown();
  }

  // Several users' rows in both tiers, updates and deletes on both, and an ALTER between.
  void FillNamespace() {
    Run(Root(), "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT)");
    Run(Root(), "CREATE SHARED TABLE app.rooms (id BIGINT PRIMARY KEY, name TEXT)");
    Run(Root(), "CREATE STREAM TABLE app.typing (id BIGINT PRIMARY KEY, who TEXT) TTL 30");
    for (const std::string& user : kUsers) {
      for (int i = 1; i <= 6; ++i) {
        Run(As(user), "INSERT INTO app.messages VALUES (" + std::to_string(i) + ", '" + user + "-" + std::to_string(i) + "')");
      }
    }
    Run(Root(), "INSERT INTO app.rooms VALUES (1, 'lobby'), (2, 'dev'), (3, 'ops')");
    Run(Root(), "FLUSH TABLE app.messages");
    Run(Root(), "FLUSH TABLE app.rooms");
    for (const std::string& user : kUsers) {
      Run(As(user), "UPDATE app.messages SET body = 'edited' WHERE id = 2");  // cold row, new version hot
      Run(As(user), "DELETE FROM app.messages WHERE id = 3");                // cold row, tombstone hot
      Run(As(user), "INSERT INTO app.messages VALUES (7, 'hot')");
    }
    Run(Root(), "DELETE FROM app.rooms WHERE id = 3");
    Run(Root(), "FLUSH TABLE app.messages");  // the tombstones go cold too
    Run(Root(), "ALTER TABLE app.messages ADD COLUMN lang TEXT DEFAULT 'en'");
    for (const std::string& user : kUsers) {
      Run(As(user), "INSERT INTO app.messages VALUES (8, 'bonjour', 'fr')");
      Run(As(user), "DELETE FROM app.messages WHERE id = 4");  // hot tombstone
    }
    Run(Root(), "UPDATE app.rooms SET name = 'general' WHERE id = 1");
  }

  TempDir backups_;
  std::string backup_dir_;
};

TEST_F(BackupTest, RoundTripUnderConcurrentWritesMatchesTheSnapshot) {
  FillNamespace();
  // Inserts only (ids from 1000 up), so that "the rows as of the snapshot" are exactly the rows
  // whose `_seq` is at or below it.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto session = engine_->CreateSession(UserId("alice"), Role::kUser);
    for (int i = 1000; !stop.load(); ++i) {
      auto outcome = engine_->Execute(*session, "INSERT INTO app.messages VALUES (" + std::to_string(i) + ", 'w', 'en')");
      if (!outcome.ok()) {
        ADD_FAILURE() << outcome.error.ToString();
        return;
      }
      written.fetch_add(1);
    }
  });
  // Wait until the writer is going, so the backup overlaps it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (written.load() < 20 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_GE(written.load(), 20);
  const std::string message = Run(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'").message;
  const int at_backup = written.load();
  while (written.load() < at_backup + 20 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  stop = true;
  writer.join();
  EXPECT_THAT(message, StartsWith("Backup of namespace 'app' completed: Backed up 3 table(s) as of _seq "));
  ASSERT_TRUE(std::filesystem::exists(backup_dir_ + "/backup.json"));
  const int64_t snapshot = SnapshotSeq(backup_dir_);
  const std::string at_snapshot = " WHERE _seq <= " + std::to_string(snapshot);

  OtherEngine restored;
  auto outcome = restored.Execute("root", Role::kSystem, "RESTORE DATABASE app FROM '" + backup_dir_ + "'");
  ASSERT_TRUE(outcome.ok()) << outcome.error.ToString();
  EXPECT_THAT(outcome.results.back().message, StartsWith("Restore of namespace 'app' completed: Restored namespace 'app'"));

  for (const std::string& user : kUsers) {
    const std::string select = "SELECT id, body, lang FROM app.messages";
    const auto expected = Query(As(user), select + at_snapshot + " ORDER BY id");
    EXPECT_EQ(restored.Query(user, Role::kUser, select + " ORDER BY id"), expected) << user;
  }
  // The writer's rows after the snapshot are not in the backup; some before it are.
  EXPECT_NE(Query(As("alice"), "SELECT count(*) FROM app.messages"),
            restored.Query("alice", Role::kUser, "SELECT count(*) FROM app.messages"));
  EXPECT_THAT(restored.Query("bob", Role::kUser, "SELECT id, body, lang FROM app.messages ORDER BY id"),
              ElementsAre("1|bob-1|en", "2|edited|en", "5|bob-5|en", "6|bob-6|en", "7|hot|en", "8|bonjour|fr"));
  EXPECT_EQ(restored.Query("root", Role::kSystem, "SELECT id, name FROM app.rooms ORDER BY id"),
            Query(Root(), "SELECT id, name FROM app.rooms" + at_snapshot + " ORDER BY id"));
  EXPECT_THAT(restored.Query("root", Role::kSystem,
                             "SELECT table_id, schema_version FROM system.schemas WHERE namespace_id = 'app' "
                             "ORDER BY table_id, schema_version"),
              ElementsAre("app.messages|1", "app.messages|2", "app.rooms|1", "app.typing|1"));
  // The restored tables take writes above the snapshot, and flush them.
  EXPECT_TRUE(restored.Execute("alice", Role::kUser, "INSERT INTO app.messages VALUES (9, 'after', 'en')").ok());
  EXPECT_THAT(restored.Query("alice", Role::kUser, "SELECT _seq > " + std::to_string(snapshot) +
                                                       " FROM app.messages WHERE id = 9"),
              ElementsAre("true"));
  EXPECT_TRUE(restored.Execute("root", Role::kSystem, "FLUSH TABLE app.messages").ok());
  EXPECT_THAT(restored.Query("alice", Role::kUser, "SELECT count(*) FROM app.messages WHERE id < 1000"),
              ElementsAre("7"));
  // Primary-key checks, UPDATE and DELETE see the restored rows (their index came back too).
  EXPECT_FALSE(restored.Execute("bob", Role::kUser, "INSERT INTO app.messages VALUES (1, 'dup', 'en')").ok());
  EXPECT_TRUE(restored.Execute("bob", Role::kUser, "INSERT INTO app.messages VALUES (3, 'again', 'en')").ok());
  EXPECT_TRUE(restored.Execute("bob", Role::kUser, "UPDATE app.messages SET body = 'five' WHERE id = 5").ok());
  EXPECT_TRUE(restored.Execute("bob", Role::kUser, "DELETE FROM app.messages WHERE id = 6").ok());
  EXPECT_THAT(restored.Query("bob", Role::kUser, "SELECT id, body FROM app.messages WHERE id BETWEEN 1 AND 6 ORDER BY id"),
              ElementsAre("1|bob-1", "2|edited", "3|again", "5|five"));
  // Restoring over an existing namespace is refused.
  auto again = restored.Execute("root", Role::kSystem, "RESTORE DATABASE app FROM '" + backup_dir_ + "'");
  EXPECT_EQ(again.error.code(), StatusCode::kAlreadyExists);
}

TEST_F(BackupTest, AChangedFileFailsTheChecksumAndRestoresNothing) {
  FillNamespace();
  Run(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'");
  const std::string segment = backup_dir_ + "/data/app/messages/alice/batch-0.parquet";
  ASSERT_TRUE(std::filesystem::exists(segment));
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(10);
    file.put('\x7f');
  }
  OtherEngine restored;
  auto outcome = restored.Execute("root", Role::kSystem, "RESTORE DATABASE app FROM '" + backup_dir_ + "'");
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.error.message(), EndsWith("Checksum mismatch: data/app/messages/alice/batch-0.parquet"));
  EXPECT_THAT(restored.Query("root", Role::kSystem, "SELECT count(*) FROM system.namespaces WHERE namespace_id = 'app'"),
              ElementsAre("0"));
}

TEST_F(BackupTest, DirectoryRulesAndRefusals) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY)");
  EXPECT_THAT(Fail(Root(), "BACKUP DATABASE app TO 'relative/dir'").message(),
              EndsWith("Invalid path 'relative/dir': must be an absolute path"));
  EXPECT_THAT(Fail(Root(), "BACKUP DATABASE app TO '/tmp/../etc/x'").message(),
              EndsWith("Invalid path '/tmp/../etc/x': must not contain '..'"));
  EXPECT_THAT(Fail(Root(), "BACKUP DATABASE app TO '/etc/kalam'").message(),
              HasSubstr("Invalid path '/etc/kalam': '/etc' is a system directory"));
  EXPECT_THAT(Fail(Root(), "RESTORE DATABASE app FROM '/proc/1'").message(),
              HasSubstr("Invalid path '/proc/1': '/proc' is a system directory"));
  std::filesystem::create_directories(backup_dir_);
  std::ofstream(backup_dir_ + "/stray.txt") << "x";
  EXPECT_THAT(Fail(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'").message(),
              EndsWith("Backup directory '" + backup_dir_ + "' is not empty"));
  EXPECT_EQ(Fail(Root(), "BACKUP DATABASE nope TO '" + backups_.path() + "/x'").code(), StatusCode::kNotFound);
  EXPECT_THAT(Fail(As("alice"), "BACKUP DATABASE app TO '" + backups_.path() + "/y'").message(),
              HasSubstr("cannot back up databases"));
  EXPECT_THAT(Fail(As("alice"), "RESTORE DATABASE app FROM '" + backups_.path() + "/y'").message(),
              HasSubstr("cannot restore databases"));
  EXPECT_THAT(Fail(Root(), "RESTORE DATABASE other FROM '" + backups_.path() + "/none'").message(),
              EndsWith("Restore directory '" + backups_.path() + "/none' does not exist"));
  EXPECT_THAT(Fail(Root(), "RESTORE DATABASE app FROM '" + backup_dir_ + "'").message(),
              EndsWith("Namespace 'app' already exists; drop it before restoring it"));
  EXPECT_THAT(Fail(Root(), "RESTORE DATABASE other FROM '" + backup_dir_ + "'").message(),
              EndsWith("Restore directory '" + backup_dir_ + "' holds no backup (no backup.json)"));
  // Every accepted statement is in the audit log.
  Run(Root(), "BACKUP DATABASE app TO '" + backups_.path() + "/ok'");
  EXPECT_THAT(Query(Root(), "SELECT action, target FROM system.audit_log WHERE action = 'BACKUP'"),
              ElementsAre("BACKUP|app"));
}

TEST_F(BackupTest, AServerBackupHoldsEveryNamespaceAndRestoresOne) {
  FillNamespace();
  Run(Root(), "CREATE NAMESPACE crm");
  Run(Root(), "CREATE SHARED TABLE crm.leads (id BIGINT PRIMARY KEY, name TEXT)");
  Run(Root(), "INSERT INTO crm.leads VALUES (1, 'acme'), (2, 'globex')");
  EXPECT_THAT(Run(Root(), "BACKUP DATABASE TO '" + backup_dir_ + "'").message,
              StartsWith("Backup of database completed: Backed up 4 table(s)"));
  EXPECT_THAT(ReadFile(backup_dir_ + "/backup.json"), HasSubstr("\"kind\":\"server\",\"namespace\":null"));
  const std::string catalog = ReadFile(backup_dir_ + "/catalog.json");
  EXPECT_THAT(catalog, HasSubstr("\"storage_id\":\"local\",\"definition\""));
  EXPECT_THAT(catalog, HasSubstr("\"user_id\":\"root\",\"role\":\"system\""));

  OtherEngine restored;
  auto outcome = restored.Execute("root", Role::kSystem, "RESTORE DATABASE crm FROM '" + backup_dir_ + "'");
  ASSERT_TRUE(outcome.ok()) << outcome.error.ToString();
  EXPECT_THAT(restored.Query("root", Role::kSystem, "SELECT id, name FROM crm.leads ORDER BY id"),
              ElementsAre("1|acme", "2|globex"));
  EXPECT_THAT(restored.Query("root", Role::kSystem, "SELECT count(*) FROM system.namespaces WHERE namespace_id = 'app'"),
              ElementsAre("0"));
  auto server = restored.Execute("root", Role::kSystem, "RESTORE DATABASE FROM '" + backup_dir_ + "'");
  EXPECT_THAT(server.error.message(), HasSubstr("Not supported yet: RESTORE DATABASE of a whole server"));
}

TEST_F(BackupTest, AFailedBackupLeavesNoBackup) {
  FillNamespace();
  ArmFailpoint(Failpoint::kBackupFilesWritten, EIO);
  Status failed = Fail(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'");
  EXPECT_THAT(failed.message(), HasSubstr("backup.files_written"));
  DisarmAllFailpoints();
  EXPECT_FALSE(std::filesystem::exists(backup_dir_ + "/backup.json"));
  EXPECT_FALSE(std::filesystem::exists(backup_dir_ + "/data"));
  // The directory is free again.
  Run(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'");
  EXPECT_TRUE(std::filesystem::exists(backup_dir_ + "/backup.json"));
}

TEST_F(BackupTest, ABackupPacedByMaxBytesPerSecHoldsTheSameRows) {
  FillNamespace();
  EngineConfig config;
  config.query_threads = 1;
  config.backup_max_bytes_per_sec = 4ull << 20;  // the backup is a few KB: paced, not slowed much
  ReopenWith(config);
  Run(Root(), "BACKUP DATABASE app TO '" + backup_dir_ + "'");
  OtherEngine restored;
  auto outcome = restored.Execute("root", Role::kSystem, "RESTORE DATABASE app FROM '" + backup_dir_ + "'");
  ASSERT_TRUE(outcome.ok()) << outcome.error.ToString();
  EXPECT_EQ(restored.Query("alice", Role::kUser, "SELECT id, body FROM app.messages ORDER BY id"),
            Query(As("alice"), "SELECT id, body FROM app.messages ORDER BY id"));
  EXPECT_EQ(restored.Query("root", Role::kSystem, "SELECT id, name FROM app.rooms ORDER BY id"),
            Query(Root(), "SELECT id, name FROM app.rooms ORDER BY id"));
}

}  // namespace
}  // namespace kalam::core::testing
