#include "kalam/dialect/statement_splitter.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kalam::dialect {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Split(std::string_view sql) {
  Result<std::vector<std::string>> result = SplitStatements(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  return result.ok() ? result.value() : std::vector<std::string>{};
}

void ExpectSplitError(std::string_view sql, std::string_view message) {
  Result<std::vector<std::string>> result = SplitStatements(sql);
  ASSERT_FALSE(result.ok()) << sql;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), message);
}

TEST(StatementSplitterTest, SingleStatementWithAndWithoutSemicolon) {
  EXPECT_THAT(Split("SELECT 1"), ElementsAre("SELECT 1"));
  EXPECT_THAT(Split("SELECT 1;"), ElementsAre("SELECT 1"));
  EXPECT_THAT(Split("  \n\tSELECT 1  ;  \n"), ElementsAre("SELECT 1"));
}

TEST(StatementSplitterTest, SeveralStatements) {
  EXPECT_THAT(Split("CREATE NAMESPACE app; USE app;SELECT * FROM t"),
              ElementsAre("CREATE NAMESPACE app", "USE app", "SELECT * FROM t"));
}

TEST(StatementSplitterTest, EmptyInputsGiveNoStatements) {
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split("   \n\t "), IsEmpty());
  EXPECT_THAT(Split(";;;"), IsEmpty());
  EXPECT_THAT(Split(" ; ; "), IsEmpty());
  EXPECT_THAT(Split("-- only a comment"), IsEmpty());
  EXPECT_THAT(Split("/* block */ ; -- line\n;"), IsEmpty());
}

TEST(StatementSplitterTest, EmptyStatementsBetweenSemicolonsAreDropped) {
  EXPECT_THAT(Split("SELECT 1;; ;SELECT 2;;"), ElementsAre("SELECT 1", "SELECT 2"));
}

TEST(StatementSplitterTest, SemicolonInsideStringIsKept) {
  EXPECT_THAT(Split("INSERT INTO t VALUES ('a;b'); SELECT 2"),
              ElementsAre("INSERT INTO t VALUES ('a;b')", "SELECT 2"));
}

TEST(StatementSplitterTest, DoubledQuoteEscapesInStrings) {
  EXPECT_THAT(Split("SELECT 'it''s; fine'; SELECT ''''"),
              ElementsAre("SELECT 'it''s; fine'", "SELECT ''''"));
}

TEST(StatementSplitterTest, SemicolonInsideQuotedIdentifierIsKept) {
  EXPECT_THAT(Split("SELECT \"a;b\" FROM t; SELECT \"x\"\";y\" FROM t"),
              ElementsAre("SELECT \"a;b\" FROM t", "SELECT \"x\"\";y\" FROM t"));
}

TEST(StatementSplitterTest, SemicolonInsideParenthesesIsKept) {
  EXPECT_THAT(Split("EXECUTE AS USER 'alice' (SELECT 1; SELECT 2); SELECT 3"),
              ElementsAre("EXECUTE AS USER 'alice' (SELECT 1; SELECT 2)", "SELECT 3"));
  EXPECT_THAT(Split("SELECT ((1; 2)); SELECT 3"), ElementsAre("SELECT ((1; 2))", "SELECT 3"));
}

TEST(StatementSplitterTest, SemicolonInsideCommentsIsIgnored) {
  EXPECT_THAT(Split("SELECT 1 -- not; a split\n, 2; SELECT 3"),
              ElementsAre("SELECT 1 -- not; a split\n, 2", "SELECT 3"));
  EXPECT_THAT(Split("SELECT /* ; */ 1; SELECT 2"), ElementsAre("SELECT /* ; */ 1", "SELECT 2"));
}

TEST(StatementSplitterTest, EdgeCommentsAreTrimmedInteriorKept) {
  EXPECT_THAT(Split("-- lead\nSELECT 1 /* mid */ + 2 -- trail\n; /* x */ SELECT 3 /* y */"),
              ElementsAre("SELECT 1 /* mid */ + 2", "SELECT 3"));
}

TEST(StatementSplitterTest, MultiLineStatementKeepsItsText) {
  const std::string sql =
      "CREATE USER TABLE app.messages (\n"
      "  id BIGINT DEFAULT SNOWFLAKE_ID(),\n"
      "  content TEXT\n"
      ") FLUSH ROW_THRESHOLD 1000;\n"
      "SELECT * FROM app.messages;";
  EXPECT_THAT(Split(sql), ElementsAre("CREATE USER TABLE app.messages (\n"
                                      "  id BIGINT DEFAULT SNOWFLAKE_ID(),\n"
                                      "  content TEXT\n"
                                      ") FLUSH ROW_THRESHOLD 1000",
                                      "SELECT * FROM app.messages"));
}

TEST(StatementSplitterTest, CommentMarkersInsideStringsAreText) {
  EXPECT_THAT(Split("SELECT '--;' ; SELECT '/*;*/'"),
              ElementsAre("SELECT '--;'", "SELECT '/*;*/'"));
}

TEST(StatementSplitterTest, UnbalancedClosingParenDoesNotStopSplitting) {
  EXPECT_THAT(Split("SELECT 1); SELECT 2"), ElementsAre("SELECT 1)", "SELECT 2"));
}

TEST(StatementSplitterTest, UnclosedParenKeepsTheRestTogether) {
  EXPECT_THAT(Split("SELECT (1; SELECT 2"), ElementsAre("SELECT (1; SELECT 2"));
}

TEST(StatementSplitterTest, UnterminatedQuotesAndCommentsAreErrors) {
  ExpectSplitError("SELECT 'abc", "Unterminated string literal");
  ExpectSplitError("SELECT 'it''s", "Unterminated string literal");
  ExpectSplitError("SELECT \"abc", "Unterminated quoted identifier");
  ExpectSplitError("SELECT 1; /* never closed", "Unterminated block comment");
}

TEST(StatementSplitterTest, LineCommentAtEndWithoutNewline) {
  EXPECT_THAT(Split("SELECT 1; -- done"), ElementsAre("SELECT 1"));
}

TEST(StatementSplitterTest, NonAsciiTextPassesThrough) {
  EXPECT_THAT(Split("SELECT 'héllo; wörld'; SELECT ü"),
              ElementsAre("SELECT 'héllo; wörld'", "SELECT ü"));
}

}  // namespace
}  // namespace kalam::dialect
