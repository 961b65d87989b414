#include "kalam/api/sql_request.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kalam::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

SqlRequest MustParse(std::string_view body, const RequestLimits& limits = {}) {
  auto parsed = ParseSqlRequest(body, limits);
  EXPECT_TRUE(parsed.ok()) << body << " -> " << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return {};
  return std::move(parsed).value();
}

ApiError MustFail(std::string_view body, const RequestLimits& limits = {}) {
  auto parsed = ParseSqlRequest(body, limits);
  EXPECT_FALSE(parsed.ok()) << body << " unexpectedly parsed";
  if (parsed.ok()) return {};
  return std::move(parsed).error();
}

TEST(SqlRequestTest, MinimalBody) {
  SqlRequest r = MustParse(R"({"sql":"SELECT 1"})");
  EXPECT_EQ(r.sql, "SELECT 1");
  EXPECT_TRUE(r.params.empty());
  EXPECT_FALSE(r.has_params);
  EXPECT_EQ(r.namespace_id, "default");
}

TEST(SqlRequestTest, FullBodyWithEveryParameterKind) {
  SqlRequest r = MustParse(
      R"({"sql":"SELECT * FROM app.messages WHERE id = $1","namespace_id":"app",)"
      R"("params":["274812739841982464",null,true,false,42,-7,1.5,1e3,9223372036854775807,18446744073709551615,"héllo"]})");
  EXPECT_EQ(r.sql, "SELECT * FROM app.messages WHERE id = $1");
  EXPECT_EQ(r.namespace_id, "app");
  EXPECT_TRUE(r.has_params);
  ASSERT_EQ(r.params.size(), 11u);
  EXPECT_EQ(r.params[0].type(), duckdb::LogicalType::VARCHAR);
  EXPECT_EQ(r.params[0].GetValue<std::string>(), "274812739841982464");
  EXPECT_TRUE(r.params[1].IsNull());
  EXPECT_EQ(r.params[1].type().id(), duckdb::LogicalTypeId::SQLNULL);
  EXPECT_EQ(r.params[2], duckdb::Value::BOOLEAN(true));
  EXPECT_EQ(r.params[3], duckdb::Value::BOOLEAN(false));
  EXPECT_EQ(r.params[4].type(), duckdb::LogicalType::BIGINT);
  EXPECT_EQ(r.params[4].GetValue<int64_t>(), 42);
  EXPECT_EQ(r.params[5].GetValue<int64_t>(), -7);
  EXPECT_EQ(r.params[6].type(), duckdb::LogicalType::DOUBLE);
  EXPECT_EQ(r.params[6].GetValue<double>(), 1.5);
  EXPECT_EQ(r.params[7].type(), duckdb::LogicalType::DOUBLE);
  EXPECT_EQ(r.params[7].GetValue<double>(), 1000.0);
  EXPECT_EQ(r.params[8].type(), duckdb::LogicalType::BIGINT);
  EXPECT_EQ(r.params[8].GetValue<int64_t>(), INT64_MAX);
  EXPECT_EQ(r.params[9].type(), duckdb::LogicalType::HUGEINT);
  EXPECT_EQ(r.params[9].ToString(), "18446744073709551615");
  EXPECT_EQ(r.params[10].GetValue<std::string>(), "héllo");
}

TEST(SqlRequestTest, EmptyParamsArrayCountsAsGiven) {
  SqlRequest r = MustParse(R"({"sql":"SELECT 1","params":[]})");
  EXPECT_TRUE(r.has_params);
  EXPECT_TRUE(r.params.empty());
}

TEST(SqlRequestTest, NullOptionalFieldsMeanAbsent) {
  SqlRequest r = MustParse(R"({"sql":"SELECT 1","params":null,"namespace_id":null})");
  EXPECT_FALSE(r.has_params);
  EXPECT_EQ(r.namespace_id, "default");
}

TEST(SqlRequestTest, UnknownFieldsIgnoredAndLastDuplicateWins) {
  SqlRequest r = MustParse(R"({"extra":{"nested":[1,2]},"sql":"SELECT 1","sql":"SELECT 2","x":null})");
  EXPECT_EQ(r.sql, "SELECT 2");
}

TEST(SqlRequestTest, EscapesAndEmptySqlPassThrough) {
  EXPECT_EQ(MustParse(R"({"sql":"SELECT 'a\"b\\c\n\u00e9\ud83d\ude00'"})").sql, "SELECT 'a\"b\\c\né😀'");
  EXPECT_EQ(MustParse(R"({"sql":""})").sql, "");  // EMPTY_SQL is the engine's call
  EXPECT_EQ(MustParse("  \n{\"sql\" : \"x\"}  \n").sql, "x");
}

TEST(SqlRequestTest, BadBodiesAreInvalidInput) {
  for (const char* body : {"", "not json", "[1,2]", "\"sql\"", "42", "null", "{\"sql\":\"x\"", "{\"sql\":\"x\"} trailing",
                           "{}", "{\"query\":\"SELECT 1\"}", "{\"sql\":null}", "{\"sql\":1}", "{\"sql\":[\"SELECT 1\"]}",
                           "{\"sql\":\"x\",\"params\":\"a\"}", "{\"sql\":\"x\",\"params\":{\"a\":1}}",
                           "{\"sql\":\"x\",\"namespace_id\":5}", "{\"sql\":\"\xff\"}"}) {
    ApiError e = MustFail(body);
    EXPECT_EQ(e.http_status, 400) << body;
    EXPECT_EQ(e.code, ApiErrorCode::kInvalidInput) << body;
    EXPECT_THAT(e.message, StartsWith("Invalid JSON payload: ")) << body;
  }
  EXPECT_THAT(MustFail("{}").message, HasSubstr("`sql`"));
}

TEST(SqlRequestTest, SqlTooLong) {
  RequestLimits limits;
  limits.max_sql_bytes = 10;
  EXPECT_EQ(MustParse(R"({"sql":"0123456789"})", limits).sql, "0123456789");
  ApiError e = MustFail(R"({"sql":"0123456789A"})", limits);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidSql);
  EXPECT_EQ(e.message, "SQL query too long");
  // The default limit is 1 MiB of bytes.
  std::string big = "{\"sql\":\"" + std::string(1048577, 'x') + "\"}";
  EXPECT_EQ(MustFail(big).code, ApiErrorCode::kInvalidSql);
  std::string fits = "{\"sql\":\"" + std::string(1048576, 'x') + "\"}";
  EXPECT_EQ(MustParse(fits).sql.size(), 1048576u);
}

TEST(SqlRequestTest, NulInSqlIsInvalidSql) {
  for (const char* body : {R"({"sql":"SELECT 1\u0000; DROP TABLE t"})", R"({"sql":"\u0000"})",
                           R"({"sql":"SELECT '\u0000'"})"}) {
    SCOPED_TRACE(body);
    ApiError e = MustFail(body);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.code, ApiErrorCode::kInvalidSql);
    EXPECT_EQ(e.message, "SQL text must not contain a NUL byte");
  }
  // Parameters are values, never parsed as SQL: NUL is fine there.
  SqlRequest r = MustParse(R"({"sql":"SELECT $1","params":["a\u0000b"]})");
  ASSERT_EQ(r.params.size(), 1u);
  EXPECT_EQ(r.params[0].ToString(), std::string("a\0b", 3));
}

TEST(SqlRequestTest, BadBodyShapeWinsOverSqlLength) {
  RequestLimits limits;
  limits.max_sql_bytes = 1;
  EXPECT_EQ(MustFail(R"({"sql":"long","params":5})", limits).code, ApiErrorCode::kInvalidInput);
  EXPECT_EQ(MustFail(R"({"sql":"long","params":[[1]]})", limits).code, ApiErrorCode::kInvalidSql);
}

TEST(SqlRequestTest, ArrayOrObjectParameterRejectedWithItsNumber) {
  ApiError e = MustFail(R"({"sql":"SELECT $1, $2","params":[1,[2]]})");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidParameter);
  EXPECT_THAT(e.message, StartsWith("Parameter $2 invalid: "));
  EXPECT_THAT(MustFail(R"({"sql":"SELECT $1","params":[{"a":1}]})").message, StartsWith("Parameter $1 invalid: "));
}

TEST(SqlRequestTest, TooManyParameters) {
  std::string fifty = "[";
  for (int i = 0; i < 50; ++i) {
    if (i) fifty += ',';
    fifty += std::to_string(i);
  }
  EXPECT_EQ(MustParse(R"({"sql":"x","params":)" + fifty + "]}").params.size(), 50u);
  ApiError e = MustFail(R"({"sql":"x","params":)" + fifty + ",50]}");
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidParameter);
  EXPECT_THAT(e.message, StartsWith("Parameter $51 invalid: "));

  RequestLimits limits;
  limits.max_parameters = 2;
  EXPECT_THAT(MustFail(R"({"sql":"x","params":[1,2,3]})", limits).message, StartsWith("Parameter $3 invalid: "));
}

TEST(SqlRequestTest, OversizedStringParameter) {
  RequestLimits limits;
  limits.max_parameter_size_bytes = 4;
  EXPECT_EQ(MustParse(R"({"sql":"x","params":["abcd","éé"]})", limits).params.size(), 2u);
  ApiError e = MustFail(R"({"sql":"x","params":["abcd","abcde"]})", limits);
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidParameter);
  EXPECT_THAT(e.message, StartsWith("Parameter $2 invalid: "));
  // The default is 512 KiB.
  std::string ok = R"({"sql":"x","params":[")" + std::string(524288, 'p') + "\"]}";
  EXPECT_EQ(MustParse(ok).params[0].GetValue<std::string>().size(), 524288u);
  std::string big = R"({"sql":"x","params":[")" + std::string(524289, 'p') + "\"]}";
  EXPECT_THAT(MustFail(big).message, StartsWith("Parameter $1 invalid: "));
}

TEST(SqlRequestTest, IntegerBeyondUint64FailsTheParse) {
  EXPECT_EQ(MustFail(R"({"sql":"x","params":[123456789012345678901234567890]})").code, ApiErrorCode::kInvalidInput);
}

TEST(SqlRequestTest, ParsesRepeatedlyOnOneThread) {
  // The per-thread parser is reused; each result must own its strings.
  SqlRequest a = MustParse(R"({"sql":"first","params":["one"]})");
  SqlRequest b = MustParse(R"({"sql":"second","params":["two"]})");
  EXPECT_EQ(a.sql, "first");
  EXPECT_EQ(a.params[0].GetValue<std::string>(), "one");
  EXPECT_EQ(b.sql, "second");
}

TEST(ApiErrorTest, NamesAndStatuses) {
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kInvalidInput), "INVALID_INPUT");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kInvalidSql), "INVALID_SQL");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kEmptySql), "EMPTY_SQL");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kBatchParseError), "BATCH_PARSE_ERROR");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kParamsWithBatch), "PARAMS_WITH_BATCH");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kInvalidParameter), "INVALID_PARAMETER");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kPermissionDenied), "PERMISSION_DENIED");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kSqlExecutionError), "SQL_EXECUTION_ERROR");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kInternalError), "INTERNAL_ERROR");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kMissingAuthorization), "MISSING_AUTHORIZATION");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kInvalidCredentials), "INVALID_CREDENTIALS");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kTokenExpired), "TOKEN_EXPIRED");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kAccountLocked), "ACCOUNT_LOCKED");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kRateLimitExceeded), "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kMethodNotAllowed), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kBodyTooLarge), "BODY_TOO_LARGE");
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kInvalidParameter), 400);
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kTokenExpired), 401);
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kRateLimitExceeded), 429);
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kBodyTooLarge), 413);
  EXPECT_EQ(DefaultHttpStatus(ApiErrorCode::kInternalError), 500);
}

}  // namespace
}  // namespace kalam::api
