#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;

TEST(CompactStatementTest, CompactTable) {
  auto a = ParseAs<CompactTableStmt>("STORAGE COMPACT TABLE app.messages");
  EXPECT_EQ(a.table.namespace_id.value_or(NamespaceId("")).str(), "app");
  EXPECT_EQ(a.table.table_name.str(), "messages");
  auto b = ParseAs<CompactTableStmt>("storage compact table Messages;");
  EXPECT_FALSE(b.table.namespace_id.has_value());  // resolved against the session's namespace
  EXPECT_EQ(b.table.table_name.str(), "messages");
}

TEST(CompactStatementTest, CompactAll) {
  EXPECT_FALSE(ParseAs<CompactAllStmt>("STORAGE COMPACT ALL").in_namespace.has_value());
  EXPECT_EQ(ParseAs<CompactAllStmt>("STORAGE COMPACT ALL IN app").in_namespace.value_or(NamespaceId("")).str(), "app");
  EXPECT_EQ(
      ParseAs<CompactAllStmt>("STORAGE COMPACT ALL IN NAMESPACE app;").in_namespace.value_or(NamespaceId("")).str(),
      "app");
  // A namespace called `namespace`.
  EXPECT_EQ(ParseAs<CompactAllStmt>("STORAGE COMPACT ALL IN namespace").in_namespace.value_or(NamespaceId("")).str(),
            "namespace");
}

TEST(CompactStatementTest, Errors) {
  EXPECT_THAT(ParseError("STORAGE COMPACT").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("STORAGE COMPACT TABLE").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("STORAGE COMPACT TABLE app.t now").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("STORAGE COMPACT ALL IN").message(), HasSubstr("Syntax error"));
  EXPECT_THAT(ParseError("STORAGE COMPACT EVERYTHING").message(), HasSubstr("Syntax error"));
}

}  // namespace
}  // namespace kalam::dialect
