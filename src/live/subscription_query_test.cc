// Subscription SQL is checked like SQL on the HTTP endpoint before any parser reads it.
#include "subscription_query.h"

#include <string>

#include <gtest/gtest.h>

namespace kalam::live {
namespace {

// DuckDB's parser stops at a NUL; ours would not. Either form of subscription is refused
// whole (INVALID_SQL on the wire), wherever the NUL sits.
TEST(SubscriptionQueryTest, NulInSqlIsRefused) {
  using namespace std::string_literals;
  for (const std::string& sql : {"SELECT * FROM app.t WHERE id = 1\0 OR true"s, "SELECT * FROM app.t\0"s,
                                 "SUBSCRIBE TO app.t WHERE v = 'a\0b'"s}) {
    auto parsed = ParseSubscriptionQuery(sql);
    ASSERT_FALSE(parsed.ok()) << sql.size();
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "SQL text must not contain a NUL byte");
  }
  EXPECT_TRUE(ParseSubscriptionQuery("SELECT * FROM app.t WHERE id = 1").ok());
}

}  // namespace
}  // namespace kalam::live
