#include "kalam/server/json_log_format.h"

#include <gtest/gtest.h>

namespace kalam::server {
namespace {

constexpr int64_t kTime = 1777629600123456;  // 2026-05-01T10:00:00.123456Z

TEST(JsonLogFormatTest, KeyValueMessagesBecomeFields) {
  EXPECT_EQ(JsonLogLine(kTime, "info", "request id=r-1 client=127.0.0.1 status=200 duration_ms=1.5"),
            R"({"ts":"2026-05-01T10:00:00.123456Z","level":"info","msg":"request","id":"r-1",)"
            R"("client":"127.0.0.1","status":"200","duration_ms":"1.5"})");
  EXPECT_EQ(JsonLogLine(kTime, "warn", "slow request id=x msg=hi"),
            R"({"ts":"2026-05-01T10:00:00.123456Z","level":"warn","msg":"slow request","id":"x","_msg":"hi"})");
}

TEST(JsonLogFormatTest, OtherMessagesStayWholeAndEscaped) {
  EXPECT_EQ(
      JsonLogLine(kTime, "info", "kalamdb 0.1.0 serving data from /tmp/a \"b\""),
      R"({"ts":"2026-05-01T10:00:00.123456Z","level":"info","msg":"kalamdb 0.1.0 serving data from /tmp/a \"b\""})");
  // A key=value followed by free text is not structured: nothing is lost.
  EXPECT_EQ(JsonLogLine(kTime, "error", "accept failed: x=1 then\nmore"),
            R"({"ts":"2026-05-01T10:00:00.123456Z","level":"error","msg":"accept failed: x=1 then\nmore"})");
  EXPECT_EQ(JsonLogLine(kTime, "info", "a=1"), R"({"ts":"2026-05-01T10:00:00.123456Z","level":"info","msg":"a=1"})");
}

}  // namespace
}  // namespace kalam::server
