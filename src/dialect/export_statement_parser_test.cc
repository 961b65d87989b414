#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;

TEST(ExportStatementTest, ParsesUserAndDirectory) {
  auto a = ParseAs<ExportUserDataStmt>("EXPORT USER DATA 'Alice' TO '/exports/alice';");
  EXPECT_EQ(a.user.str(), "Alice");  // quoted names are kept as written
  EXPECT_EQ(a.directory, "/exports/alice");
  auto b = ParseAs<ExportUserDataStmt>("export user data bob to '/tmp/x'");
  EXPECT_EQ(b.user.str(), "bob");
  EXPECT_EQ(ClassifyStatement("EXPORT USER DATA 'a' TO '/x'"), StatementClass::kKalam);
}

TEST(ExportStatementTest, RefusesBadForms) {
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice' TO /tmp/x").message(), HasSubstr("a directory in quotes"));
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice'").message(), HasSubstr("TO"));
  EXPECT_THAT(ParseError("EXPORT DATA 'alice' TO '/x'").message(), HasSubstr("USER"));
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice' TO '/x' EXTRA").message(), HasSubstr("EXTRA"));
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice' TO 'relative'").message(), HasSubstr("must be an absolute path"));
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice' TO '/tmp/../etc'").message(), HasSubstr("must not contain '..'"));
  EXPECT_THAT(ParseError("EXPORT USER DATA 'alice' TO '/etc/kalam'").message(), HasSubstr("is a system directory"));
}

}  // namespace
}  // namespace kalam::dialect
