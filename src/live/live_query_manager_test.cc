// LiveQueryManager over a real embedded engine, with connections that record what they are
// sent: which writes notify (and which must not), the order of changes, the index's O(1)
// question, and the bookkeeping of subscribe / unsubscribe / detach.
#include "kalam/live/live_query_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "kalam/commons/clock.h"
#include "kalam/commons/temp_dir.h"

namespace kalam::live {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kHour = 3600LL * 1000 * 1000;

class RecordingConnection final : public LiveConnection {
 public:
  bool Send(std::string message) override {
    std::lock_guard lock(mu);
    messages.push_back(std::move(message));
    return true;
  }
  bool SendReply(std::string message) override { return Send(std::move(message)); }
  void Close(uint16_t code, std::string reason) override {
    std::lock_guard lock(mu);
    close_code = code;
    close_reason = std::move(reason);
  }
  std::vector<std::string> Take(LiveQueryManager& live) {
    live.WaitForDeliveries();
    std::lock_guard lock(mu);
    return std::exchange(messages, {});
  }
  std::mutex mu;
  std::vector<std::string> messages;
  int close_code = 0;
  std::string close_reason;
};

class LiveQueryManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineConfig config;
    config.data_path = dir_.path();
    engine_ = core::Engine::Open(config).value();
    live_ = std::make_unique<LiveQueryManager>(*engine_, LiveLimits{});
    engine_->live_queries().SetLiveQueries(live_.get(), live_.get());
    root_ = engine_->CreateSession(UserId("root"), Role::kSystem);
    alice_ = engine_->CreateSession(UserId("alice"), Role::kUser);
    Run(*root_, "CREATE NAMESPACE app");
    Run(*root_, "CREATE USER TABLE app.t (id BIGINT PRIMARY KEY, v TEXT) WITH (DELETED_RETENTION_HOURS = 1)");
    conn_ = std::make_shared<RecordingConnection>();
    session_ = live_->Attach(conn_, "c1", UserId("alice"), Role::kUser);
  }
  void TearDown() override {
    live_->Detach(*session_);
    engine_->live_queries().SetLiveQueries(nullptr, nullptr);
  }
  void Run(core::Session& session, const std::string& sql) {
    auto outcome = engine_->Execute(session, sql);
    ASSERT_TRUE(outcome.ok()) << sql << " -> " << outcome.error.ToString();
  }
  void Subscribe(const std::string& id, const std::string& sql) {
    SubscribeRequest request;
    request.id = id;
    request.sql = sql;
    live_->Subscribe(*session_, request);
    auto sent = conn_->Take(*live_);
    ASSERT_THAT(sent, SizeIs(1));
    ASSERT_THAT(sent[0], HasSubstr("\"type\":\"subscription_ack\""));
  }

  TempDir dir_;
  std::unique_ptr<core::Engine> engine_;
  std::unique_ptr<LiveQueryManager> live_;
  std::unique_ptr<core::Session> root_, alice_;
  std::shared_ptr<RecordingConnection> conn_;
  std::shared_ptr<LiveSession> session_;
};

TEST_F(LiveQueryManagerTest, OnlyWatchedScopesAreWanted) {
  const TableNumber number =
      engine_->live_queries()
          .FindReadableTable(TableId{NamespaceId("app"), TableName("t")}, Role::kUser)
          .value()
          ->number;
  EXPECT_FALSE(live_->Wants(number, "alice"));
  Subscribe("s", "SELECT * FROM app.t");
  EXPECT_TRUE(live_->Wants(number, "alice"));
  EXPECT_FALSE(live_->Wants(number, "bob"));
  EXPECT_FALSE(live_->Wants(number + 1, "alice"));
  EXPECT_EQ(live_->ActiveCount(), 1u);
  live_->Unsubscribe(*session_, "s");
  EXPECT_FALSE(live_->Wants(number, "alice"));
  EXPECT_EQ(live_->ActiveCount(), 0u);
  EXPECT_THAT(live_->List(), IsEmpty());
}

TEST_F(LiveQueryManagerTest, ManyRowStatementsNotifyEachRowInOrder) {
  Subscribe("s", "SELECT id FROM app.t WHERE id > 1");
  Run(*alice_, "INSERT INTO app.t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
  auto inserts = conn_->Take(*live_);
  ASSERT_THAT(inserts, SizeIs(3));  // id 1 does not match
  for (size_t i = 0; i < inserts.size(); ++i) {
    EXPECT_THAT(inserts[i], HasSubstr("\"change_type\":\"insert\""));
    EXPECT_THAT(inserts[i], HasSubstr("\"id\":\"" + std::to_string(i + 2) + "\""));
  }
  Run(*alice_, "UPDATE app.t SET v = 'x'");
  EXPECT_THAT(conn_->Take(*live_), SizeIs(3));
  Run(*alice_, "DELETE FROM app.t WHERE id >= 3");
  auto deletes = conn_->Take(*live_);
  ASSERT_THAT(deletes, SizeIs(2));
  EXPECT_THAT(deletes[0], HasSubstr("\"old_values\":[{\"id\":\"3\""));
}

TEST_F(LiveQueryManagerTest, FlushAndRetentionProduceNoEvents) {
  Run(*alice_, "INSERT INTO app.t (id, v) VALUES (1, 'a'), (2, 'b')");
  Run(*alice_, "DELETE FROM app.t WHERE id = 2");
  Subscribe("s", "SELECT * FROM app.t");
  Run(*root_, "FLUSH TABLE app.t");
  auto retention =
      engine_->maintenance().RunJob(JobType::kRetention, "{\"table_id\":\"app.t\"}", NowMicros() + 2 * kHour);
  ASSERT_TRUE(retention.ok()) << retention.status().ToString();
  EXPECT_THAT(conn_->Take(*live_), IsEmpty());
  // The feed still works afterwards.
  Run(*alice_, "UPDATE app.t SET v = 'a2' WHERE id = 1");
  auto update = conn_->Take(*live_);
  ASSERT_THAT(update, SizeIs(1));
  EXPECT_THAT(update[0], HasSubstr("\"change_type\":\"update\""));
  EXPECT_THAT(update[0], HasSubstr("\"old_values\":[{\"id\":\"1\",\"v\":\"a\""));
}

TEST_F(LiveQueryManagerTest, DetachRemovesEverySubscription) {
  Subscribe("a", "SELECT * FROM app.t");
  Subscribe("b", "SELECT * FROM app.t WHERE v = 'x'");
  EXPECT_THAT(live_->List(), SizeIs(2));
  live_->Detach(*session_);
  EXPECT_THAT(live_->List(), IsEmpty());
  EXPECT_EQ(live_->ActiveCount(), 0u);
  Run(*alice_, "INSERT INTO app.t (id, v) VALUES (9, 'x')");
  EXPECT_THAT(conn_->Take(*live_), IsEmpty());
  // Detaching twice is harmless; a new session starts clean.
  live_->Detach(*session_);
  session_ = live_->Attach(conn_, "c2", UserId("alice"), Role::kUser);
  Subscribe("a", "SELECT * FROM app.t");
}

TEST_F(LiveQueryManagerTest, KillNeedsTheOwnerOrAnAdmin) {
  Subscribe("k", "SELECT * FROM app.t");
  const LiveQueryId id("alice-c1-k");
  EXPECT_EQ(live_->Kill(id, UserId("bob"), Role::kUser).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(live_->Kill(LiveQueryId("alice-c1-nope"), UserId("bob"), Role::kUser).code(),
            StatusCode::kPermissionDenied);  // the same answer whether or not it exists
  EXPECT_EQ(live_->Kill(LiveQueryId("bob-c1-nope"), UserId("bob"), Role::kUser).code(), StatusCode::kNotFound);
  EXPECT_EQ(live_->Kill(LiveQueryId("alice-c1-nope"), UserId("root"), Role::kSystem).code(), StatusCode::kNotFound);
  EXPECT_EQ(live_->ActiveCount(TableId{NamespaceId("app"), TableName("t")}, nullptr), 1u);
  const UserId bob("bob");
  EXPECT_EQ(live_->ActiveCount(TableId{NamespaceId("app"), TableName("t")}, &bob), 0u);
  EXPECT_TRUE(live_->Kill(id, UserId("alice"), Role::kUser).ok());
  auto sent = conn_->Take(*live_);
  ASSERT_THAT(sent, SizeIs(1));
  EXPECT_THAT(sent[0], HasSubstr("SUBSCRIPTION_KILLED"));
  EXPECT_EQ(live_->ActiveCount(), 0u);
}

// A role change or DROP USER that committed after a connection authenticated but before it
// was attached found no session to close: Attach itself sees the change and closes it.
TEST_F(LiveQueryManagerTest, AttachClosesAConnectionWhoseRoleChangedMeanwhile) {
  Run(*root_, "CREATE USER dora WITH PASSWORD 'Secret123!' ROLE user");
  auto stale = std::make_shared<RecordingConnection>();
  auto session = live_->Attach(stale, "c3", UserId("dora"), Role::kDba);  // authenticated as dba
  EXPECT_EQ(stale->close_code, 1008);
  EXPECT_EQ(stale->close_reason, "Credentials changed");
  EXPECT_EQ(live_->ConnectionCount(), 1u);  // only the fixture's
  auto current = std::make_shared<RecordingConnection>();
  auto kept = live_->Attach(current, "c4", UserId("dora"), Role::kUser);
  EXPECT_EQ(current->close_code, 0);
  Run(*root_, "DROP USER dora");
  EXPECT_EQ(current->close_code, 1008);
  auto dropped = std::make_shared<RecordingConnection>();
  auto late = live_->Attach(dropped, "c5", UserId("dora"), Role::kUser);
  EXPECT_EQ(dropped->close_code, 1008);
  EXPECT_EQ(live_->ConnectionCount(), 1u);
}

}  // namespace
}  // namespace kalam::live
