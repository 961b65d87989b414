// DROP USER + user_cleanup leaves nothing of the user in the hot tier, the cold tier (files and
// manifests), STREAM buffers or the catalog; only system.audit_log keeps the records that name
// them (docs/user-data-export.md#after-drop-user).
#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine_test_util.h"
#include "kalam/commons/job.h"
#include "kalam/store/partition.h"
#include "kalam/store/range_iterator.h"
#include "kalam/system/audit_log.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr const char* kSubject = "zed_gdpr_subject";
constexpr int64_t kDay = 24LL * 3600 * 1000000;

class UserPurgeTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    auth::AuthSettings auth;
    auth.bcrypt_cost = 4;  // cheap bcrypt for tests
    ReopenWith(EngineConfig{}, auth);
  }
  // Every path under the storage base whose name or content mentions `text`.
  std::vector<std::string> FilesMentioning(const std::string& text) {
    std::vector<std::string> hits;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path() + "/storage")) {
      const std::string path = entry.path().string();
      if (path.find(text) != std::string::npos) {
        hits.push_back(path);
        continue;
      }
      if (!entry.is_regular_file()) continue;
      std::ifstream in(path, std::ios::binary);
      const std::string bytes(std::istreambuf_iterator<char>(in), {});
      if (bytes.find(text) != std::string::npos) hits.push_back(path);
    }
    return hits;
  }
};

TEST_F(UserPurgeTest, NothingOfAPurgedUserIsLeftButTheAuditLog) {
  Run(Root(), std::string("CREATE USER '") + kSubject + "' WITH PASSWORD 'Secret123!' ROLE 'user' EMAIL 'z@x.io'");
  Run(Root(), "CREATE USER 'bob' WITH PASSWORD 'Secret123!' ROLE 'user'");
  Run(Root(), "CREATE NAMESPACE app");
  Run(Root(), "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT)");
  Run(Root(), "CREATE USER TABLE app.notes (v TEXT)");  // no primary key: _row_id
  Run(Root(), "CREATE STREAM TABLE app.typing (v TEXT) TTL 600");
  Session& zed = As(kSubject);
  Run(zed, "INSERT INTO app.messages VALUES (1, 'cold one'), (2, 'cold two')");
  Run(zed, "INSERT INTO app.notes VALUES ('note')");
  Run(As("bob"), "INSERT INTO app.messages VALUES (1, 'bob')");
  Run(Root(), "FLUSH TABLE app.messages");
  Run(Root(), "FLUSH TABLE app.notes");
  Run(zed, "UPDATE app.messages SET body = 'hot two' WHERE id = 2");
  Run(zed, "DELETE FROM app.messages WHERE id = 1");  // a hot tombstone over a cold row
  Run(zed, "INSERT INTO app.typing VALUES ('typing')");
  ASSERT_THAT(FilesMentioning(kSubject), ::testing::Not(IsEmpty()));  // the test can see them

  Run(Root(), std::string("DROP USER '") + kSubject + "'");
  const int64_t later = NowMicros() + 31 * kDay;
  auto purged =
      engine_->maintenance().RunJob(JobType::kUserCleanup, std::string("{\"user_id\":\"") + kSubject + "\"}", later);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_THAT(purged->message, StartsWith("Purged user"));

  // Cold tier: no directory, segment or manifest names or holds the user.
  EXPECT_THAT(FilesMentioning(kSubject), IsEmpty());
  // STREAM buffers and both tiers, as the user's own reads see them.
  EXPECT_THAT(Query(zed, "SELECT v FROM app.typing"), IsEmpty());
  EXPECT_THAT(Query(zed, "SELECT id FROM app.messages WHERE _deleted = true OR _deleted = false"), IsEmpty());
  EXPECT_THAT(Query(zed, "SELECT v FROM app.notes"), IsEmpty());
  EXPECT_THAT(Query(As("bob"), "SELECT body FROM app.messages"), ElementsAre("bob"));
  // Catalog.
  EXPECT_THAT(Query(Root(), std::string("SELECT user_id FROM system.users WHERE user_id = '") + kSubject + "'"),
              IsEmpty());
  // The audit log keeps what was done to and by the user (the documented choice).
  EXPECT_THAT(Query(Root(), std::string("SELECT action FROM system.audit_log WHERE subject_user_id = '") + kSubject +
                                "' ORDER BY timestamp"),
              ElementsAre("CREATE_USER", "DROP_USER"));

  // Every key and value of the hot tier and catalog, read raw: only audit entries mention the user.
  sessions_.clear();
  engine_.reset();
  auto backend = store::StorageBackend::Open(dir_.path() + "/rocksdb", store::StoreOptions{});
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  for (int p = 0; p < store::kPartitionCount; ++p) {
    const auto partition = static_cast<store::Partition>(p);
    for (auto it = (*backend)->Scan(partition, "", ""); it->Valid(); it->Next()) {
      const bool mentions =
          it->key().find(kSubject) != std::string_view::npos || it->value().find(kSubject) != std::string_view::npos;
      if (!mentions) continue;
      EXPECT_TRUE(partition == store::Partition::kMeta && it->key().rfind(system::AuditLog::kKeyPrefix, 0) == 0)
          << "left in " << store::PartitionName(partition) << ": " << it->key();
    }
  }
}

}  // namespace
}  // namespace kalam::core::testing
