#include "kalam/system/audit_log.h"

#include <gtest/gtest.h>

#include <memory>

#include "kalam/commons/temp_dir.h"
#include "kalam/system/system_tables.h"

namespace kalam::system {
namespace {

constexpr int64_t kDayUs = 86400LL * 1000 * 1000;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
  }

  static AuditEntry Entry(AuditAction action, int64_t timestamp_us, std::string target) {
    AuditEntry e;
    e.timestamp_us = timestamp_us;
    e.actor = UserId("root");
    e.action = action;
    e.target = std::move(target);
    e.ip_address = "127.0.0.1";
    return e;
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
};

TEST_F(AuditLogTest, EncodeDecodeRoundTripsEveryField) {
  AuditEntry e = Entry(AuditAction::kExecuteAs, 1234567, "app.notes");
  e.audit_id = "AU-1";
  e.details_json = R"({"request_id":"r-1"})";
  e.subject = UserId("alice");
  auto decoded = AuditLog::Decode(AuditLog::Encode(e));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->audit_id, "AU-1");
  EXPECT_EQ(decoded->timestamp_us, 1234567);
  EXPECT_EQ(decoded->actor.str(), "root");
  EXPECT_EQ(decoded->action, AuditAction::kExecuteAs);
  EXPECT_EQ(decoded->target, "app.notes");
  EXPECT_EQ(decoded->details_json, e.details_json);
  EXPECT_EQ(decoded->ip_address, "127.0.0.1");
  ASSERT_TRUE(decoded->subject.has_value());
  EXPECT_EQ(decoded->subject->str(), "alice");
  EXPECT_FALSE(AuditLog::Decode("\x02garbage").ok());
}

TEST_F(AuditLogTest, ListsOldestFirstWithDistinctIds) {
  AuditLog log(*backend_, 0);
  ASSERT_TRUE(log.Append(Entry(AuditAction::kDropTable, 30, "b")).ok());
  ASSERT_TRUE(log.Append(Entry(AuditAction::kCreateTable, 10, "a")).ok());
  ASSERT_TRUE(log.Append(Entry(AuditAction::kCreateTable, 10, "a2")).ok());
  auto entries = log.List();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].timestamp_us, 10);
  EXPECT_EQ((*entries)[2].target, "b");
  EXPECT_NE((*entries)[0].audit_id, (*entries)[1].audit_id);
}

TEST_F(AuditLogTest, AppendPurgesEntriesPastTheRetention) {
  AuditLog log(*backend_, 7);
  const int64_t now = 100 * kDayUs;
  ASSERT_TRUE(log.Append(Entry(AuditAction::kLogin, now - 8 * kDayUs, "old")).ok());
  ASSERT_TRUE(log.Append(Entry(AuditAction::kLogin, now - 6 * kDayUs, "kept")).ok());
  ASSERT_TRUE(log.Append(Entry(AuditAction::kLogin, now, "new")).ok());
  auto entries = log.List();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].target, "kept");
  EXPECT_EQ((*entries)[1].target, "new");
}

TEST_F(AuditLogTest, SystemTableRows) {
  AuditEntry e = Entry(AuditAction::kCreateUser, 5, "alice");
  e.audit_id = "AU-5";
  e.subject = UserId("alice");
  RowSet rows = SystemTables::AuditRows({e});
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows.rows[0][3]), "CREATE_USER");
  EXPECT_EQ(std::get<std::string>(rows.rows[0][7]), "alice");
}

}  // namespace
}  // namespace kalam::system
