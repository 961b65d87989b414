// The SQL endpoint of the real kalamdb-server over real HTTP (docs/http-api.md): the JSON
// encoding of every data type, NULL and awkward strings, computed columns, truncation, and
// every request-level error with its HTTP status and code. Root (Basic root:kalamdb123) only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The `"message":"..."` text of an error body, unescaped only as far as the tests need (none of
// the asserted messages holds escapes).
std::string ErrorMessage(const std::string& body) {
  const std::string key = "\"message\":\"";
  const size_t at = body.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  size_t end = start;
  while (end < body.size() && body[end] != '"') end += body[end] == '\\' ? 2 : 1;
  return body.substr(start, end - start);
}

// Asserts an error answer: HTTP status, error envelope, code and the start of the message.
void ExpectError(const HttpResult& r, int status, const std::string& code, const std::string& message_prefix) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_THAT(r.body, StartsWith(R"j({"status":"error","results":[],"took":)j"));
  EXPECT_THAT(r.body, HasSubstr("\"error\":{\"code\":\"" + code + "\",\"message\":\"")) << r.body;
  EXPECT_THAT(ErrorMessage(r.body), StartsWith(message_prefix)) << r.body;
}

// One server for the whole suite; each test works in namespaces of its own.
class SqlEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->Start(dir_->path())) << server_->output();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(server_->port(), 0);
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpResult Sql(const std::string& body) { return client_->Sql(body); }

  // Runs `body`, expects 200 and returns the body.
  std::string Ok(const std::string& body) {
    HttpResult r = client_->Sql(body);
    EXPECT_EQ(r.status, 200) << "request: " << body << "\nanswer: " << r.body;
    EXPECT_THAT(r.body, StartsWith(R"j({"status":"success","took":)j"));
    return r.body;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  std::unique_ptr<HttpClient> client_;
};

TempDir* SqlEndpointTest::dir_ = nullptr;
ServerProcess* SqlEndpointTest::server_ = nullptr;

// ---- value encoding (docs/value-encoding.md) ----------------------------------------------------------------------

// A SHARED table with one column per type (docs/value-encoding.md).
constexpr const char* kCreateTypes =
    R"j({"sql":"CREATE NAMESPACE enc; CREATE SHARED TABLE enc.types (id INT PRIMARY KEY, b BOOLEAN, si SMALLINT, ti TINYINT, i INT, bi BIGINT, f FLOAT, d DOUBLE, dec DECIMAL(10,2), decd DECIMAL, tx TEXT, vc VARCHAR(10), bl BYTES, j JSON, ts TIMESTAMP, dt DATETIME, da DATE, tm TIME, u UUID)"})j";

constexpr const char* kTypesSchema =
    R"j("schema":[{"name":"id","data_type":"Int","index":0,"flags":["pk","nn","uq"]},{"name":"b","data_type":"Boolean","index":1},{"name":"si","data_type":"SmallInt","index":2},{"name":"ti","data_type":"SmallInt","index":3},{"name":"i","data_type":"Int","index":4},{"name":"bi","data_type":"BigInt","index":5},{"name":"f","data_type":"Float","index":6},{"name":"d","data_type":"Double","index":7},{"name":"dec","data_type":{"Decimal":{"precision":10,"scale":2}},"index":8},{"name":"decd","data_type":{"Decimal":{"precision":18,"scale":3}},"index":9},{"name":"tx","data_type":"Text","index":10},{"name":"vc","data_type":"Text","index":11},{"name":"bl","data_type":"Bytes","index":12},{"name":"j","data_type":"Json","index":13},{"name":"ts","data_type":"Timestamp","index":14},{"name":"dt","data_type":"DateTime","index":15},{"name":"da","data_type":"Date","index":16},{"name":"tm","data_type":"Time","index":17},{"name":"u","data_type":"Uuid","index":18})j";

TEST_F(SqlEndpointTest, EveryTypeEncodesAsSpecified) {
  Ok(kCreateTypes);
  // Row 1 from literals, row 2 from params, row 3 all NULL.
  EXPECT_THAT(
      Ok(R"j({"sql":"INSERT INTO enc.types VALUES (1, TRUE, 12, 7, 123456, 9007199254740993, 1.5, 2.25, 200.75, 1.5, 'hi', 'v', 'hi', '{\"a\":1}', '2025-10-28 10:00:00', '2025-10-28T10:00:00Z', '2025-10-28', '10:00:00.5', '0190A5B2-7C3D-7E4F-8A9B-0C1D2E3F4A5B')"})j"),
      HasSubstr(R"j("results":[{"row_count":1,"message":"Inserted 1 row(s)","as_user":"root"}]})j"));
  Ok(R"j({"sql":"INSERT INTO enc.types VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)","params":[2, false, -32768, -128, -2147483648, "-9223372036854775808", -0.25, 1e300, "-0.05", 7, "", "ü", "ÿ", "[1,{\"b\":null}]", "2025-10-28T12:00:00+02:00", 0, -1, "23:59:59.999999", "0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"]})j");
  Ok(R"j({"sql":"INSERT INTO enc.types (id) VALUES (3)"})j");

  const std::string all = Ok(R"j({"sql":"SELECT * FROM enc.types ORDER BY id"})j");
  EXPECT_THAT(all, HasSubstr(std::string(kTypesSchema) +
                             R"j(,{"name":"_seq","data_type":"BigInt","index":19,"flags":["nn"]},{"name":"_deleted","data_type":"Boolean","index":20,"flags":["nn"]}],"rows":[)j"));

  const std::string body = Ok(
      R"j({"sql":"SELECT id, b, si, ti, i, bi, f, d, dec, decd, tx, vc, bl, j, ts, dt, da, tm, u FROM enc.types ORDER BY id"})j");
  EXPECT_THAT(body, HasSubstr(std::string("{") + kTypesSchema + "],"));
  EXPECT_THAT(
      body,
      HasSubstr(
          R"j("rows":[)j"
          R"j([1,true,12,7,123456,"9007199254740993",1.5,2.25,"200.75","1.500","hi","v",[104,105],"{\"a\":1}",1761645600000000,1761645600000000,20389,36000500000,"0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"],)j"
          R"j([2,false,-32768,-128,-2147483648,"-9223372036854775808",-0.25,1e+300,"-0.05","7.000","","ü",[195,191],"[1,{\"b\":null}]",1761645600000000,0,-1,86399999999,"0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"],)j"
          R"j([3,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null]],)j"
          R"j("row_count":3,"as_user":"root"}]})j"));
}

TEST_F(SqlEndpointTest, TypeSpellingsMapToTheirTags) {
  const std::string body = Ok(
      R"j({"sql":"CREATE NAMESPACE spell; CREATE SHARED TABLE spell.t (a BOOL, b INT2, c INT4, d MEDIUMINT, e INTEGER, f INT8, g REAL, h FLOAT4, i DOUBLE PRECISION, j FLOAT8, k NUMERIC(5,1), l NUMERIC, m VARCHAR, n CHAR(3), o STRING, p NVARCHAR, q BINARY, r VARBINARY, s BLOB, t BYTEA, u JSONB, v TIMESTAMPTZ, w DECIMAL(38,38), x DECIMAL(1,0)); SELECT * FROM spell.t"})j");
  EXPECT_THAT(
      body,
      HasSubstr(
          R"j("schema":[{"name":"a","data_type":"Boolean","index":0},{"name":"b","data_type":"SmallInt","index":1},{"name":"c","data_type":"Int","index":2},{"name":"d","data_type":"Int","index":3},{"name":"e","data_type":"Int","index":4},{"name":"f","data_type":"BigInt","index":5},{"name":"g","data_type":"Float","index":6},{"name":"h","data_type":"Float","index":7},{"name":"i","data_type":"Double","index":8},{"name":"j","data_type":"Double","index":9},{"name":"k","data_type":{"Decimal":{"precision":5,"scale":1}},"index":10},{"name":"l","data_type":{"Decimal":{"precision":18,"scale":3}},"index":11},{"name":"m","data_type":"Text","index":12},{"name":"n","data_type":"Text","index":13},{"name":"o","data_type":"Text","index":14},{"name":"p","data_type":"Text","index":15},{"name":"q","data_type":"Bytes","index":16},{"name":"r","data_type":"Bytes","index":17},{"name":"s","data_type":"Bytes","index":18},{"name":"t","data_type":"Bytes","index":19},{"name":"u","data_type":"Json","index":20},{"name":"v","data_type":"DateTime","index":21},{"name":"w","data_type":{"Decimal":{"precision":38,"scale":38}},"index":22},{"name":"x","data_type":{"Decimal":{"precision":1,"scale":0}},"index":23},)j"));
  EXPECT_THAT(body, HasSubstr(R"j("rows":[],"row_count":0,"as_user":"root")j"));

  Ok(R"j({"sql":"INSERT INTO spell.t (w, x, k, f) VALUES ($1, $2, $3, $4)","params":["0.12345678901234567890123456789012345678", 9, "-1234.5", "9223372036854775807"]})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT w, x, k, f FROM spell.t"})j"),
              HasSubstr(R"j("rows":[["0.12345678901234567890123456789012345678","9","-1234.5","9223372036854775807"]])j"));
}

TEST_F(SqlEndpointTest, BytesHexLiteral) {
  Ok(R"j({"sql":"CREATE NAMESPACE hex; CREATE SHARED TABLE hex.t (id INT PRIMARY KEY, bl BYTES); INSERT INTO hex.t VALUES (1, X'6869'), (2, X'00ff')"})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT bl FROM hex.t ORDER BY id"})j"), HasSubstr(R"j("rows":[[[104,105]],[[0,255]]])j"));
}

TEST_F(SqlEndpointTest, FloatNonFiniteValuesAreStrings) {
  Ok(R"j({"sql":"CREATE NAMESPACE fl; CREATE SHARED TABLE fl.t (id INT PRIMARY KEY, f FLOAT, d DOUBLE); INSERT INTO fl.t VALUES (1, CAST('NaN' AS FLOAT), CAST('Infinity' AS DOUBLE)), (2, CAST('-Infinity' AS FLOAT), CAST('NaN' AS DOUBLE)), (3, 2, -0.5)"})j");
  Ok(R"j({"sql":"INSERT INTO fl.t VALUES ($1, $2, $3)","params":[4, "Infinity", "-Infinity"]})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT id, f, d FROM fl.t ORDER BY id"})j"),
              HasSubstr(R"j("rows":[[1,"NaN","Infinity"],[2,"-Infinity","NaN"],[3,2.0,-0.5],[4,"Infinity","-Infinity"]])j"));
}

TEST_F(SqlEndpointTest, NullUnicodeQuotesAndControlCharacters) {
  Ok(R"j({"sql":"CREATE NAMESPACE str; CREATE SHARED TABLE str.t (id INT PRIMARY KEY, v TEXT)"})j");
  // Through a parameter: every escape JSON has, C0 controls, DEL, and multi-byte UTF-8.
  Ok(R"j({"sql":"INSERT INTO str.t VALUES ($1, $2)","params":[1, "é中文😀 \"q\" back\\slash\nnl\r\t\b\f\u0001\u001f\u007f end"]})j");
  // Through a literal: '' escape, double quotes, non-ASCII in the SQL text itself.
  Ok(R"j({"sql":"INSERT INTO str.t VALUES (2, 'it''s \"dq\" ünï ☃'), (3, NULL), (4, '')"})j");
  Ok(R"j({"sql":"INSERT INTO str.t VALUES ($1, $2)","params":[5, null]})j");
  EXPECT_THAT(
      Ok(R"j({"sql":"SELECT id, v FROM str.t ORDER BY id"})j"),
      HasSubstr("\"rows\":[[1,\"é中文😀 \\\"q\\\" back\\\\slash\\nnl\\r\\t\\b\\f\\u0001\\u001f\x7f end\"],"
                "[2,\"it's \\\"dq\\\" ünï ☃\"],[3,null],[4,\"\"],[5,null]]"));
  // The output value, sent back as a parameter, finds its row.
  EXPECT_THAT(Ok(R"j({"sql":"SELECT id FROM str.t WHERE v = $1","params":["it's \"dq\" ünï ☃"]})j"),
              HasSubstr(R"j("rows":[[2]])j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT id FROM str.t WHERE v IS NULL ORDER BY id"})j"), HasSubstr(R"j("rows":[[3],[5]])j"));
}

TEST_F(SqlEndpointTest, JsonColumnsRejectInvalidJson) {
  Ok(R"j({"sql":"CREATE NAMESPACE js; CREATE SHARED TABLE js.t (id INT PRIMARY KEY, j JSON); INSERT INTO js.t VALUES (1, '{\"k\":\"line\\nnext\",\"n\":[1,2.5,null]}')"})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT j FROM js.t"})j"), HasSubstr(R"j("rows":[["{\"k\":\"line\\nnext\",\"n\":[1,2.5,null]}"]])j"));
  ExpectError(Sql(R"j({"sql":"INSERT INTO js.t VALUES (2, '{bad')"})j"), 400, "SQL_EXECUTION_ERROR", "Statement 1 failed: ");
}

TEST_F(SqlEndpointTest, ComputedColumns) {
  Ok(R"j({"sql":"CREATE NAMESPACE comp; CREATE SHARED TABLE comp.t (id INT PRIMARY KEY); INSERT INTO comp.t VALUES (1), (2), (3)"})j");
  const std::string body = Ok(
      R"j({"sql":"SELECT count(*) AS c, 1+1 AS two, sum(id) AS s, 3000000000 AS big, CAST(7 AS SMALLINT) AS small, 2.5 AS dec, 'x' AS t, TRUE AS b, INTERVAL '1 hour' AS iv, [1, 2] AS l FROM comp.t"})j");
  EXPECT_THAT(
      body,
      HasSubstr(
          R"j({"schema":[{"name":"c","data_type":"BigInt","index":0},{"name":"two","data_type":"Int","index":1},{"name":"s","data_type":"BigInt","index":2},{"name":"big","data_type":"BigInt","index":3},{"name":"small","data_type":"SmallInt","index":4},{"name":"dec","data_type":{"Decimal":{"precision":2,"scale":1}},"index":5},{"name":"t","data_type":"Text","index":6},{"name":"b","data_type":"Boolean","index":7},{"name":"iv","data_type":"Text","index":8},{"name":"l","data_type":"Text","index":9}],)j"
          R"j("rows":[["3",2,"6","3000000000",7,"2.5","x",true,"01:00:00","[1, 2]"]],"row_count":1,"as_user":"root"})j"));
  // An unnamed count(*) keeps the engine's column name.
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM comp.t"})j"),
              HasSubstr(R"j("data_type":"BigInt","index":0}],"rows":[["3"]],"row_count":1)j"));
}

TEST_F(SqlEndpointTest, OutputValuesRoundTripAsParameters) {
  Ok(R"j({"sql":"CREATE NAMESPACE rt; CREATE SHARED TABLE rt.t (id BIGINT PRIMARY KEY, dec DECIMAL(10,2), u UUID, j JSON, b BOOLEAN, f DOUBLE, ts TIMESTAMP, da DATE, tm TIME); INSERT INTO rt.t VALUES (9007199254740993, 200.75, '0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b', '{\"a\":1}', TRUE, 2.25, '2025-10-28 10:00:00', '2025-10-28', '10:00:00.5')"})j");
  const char* cases[] = {
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE id = $1","params":["9007199254740993"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE dec = $1","params":["200.75"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE u = $1","params":["0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE j = $1","params":["{\"a\":1}"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE b = $1","params":[true]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE f = $1","params":[2.25]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE ts = $1","params":["2025-10-28T10:00:00Z"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE da = $1","params":["2025-10-28"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE tm = $1","params":["10:00:00.5"]})j",
      R"j({"sql":"SELECT count(*) FROM rt.t WHERE id IN ($1)","params":["9007199254740993"]})j",
  };
  for (const char* request : cases) EXPECT_THAT(Ok(request), HasSubstr(R"j("rows":[["1"]])j")) << request;
}

TEST_F(SqlEndpointTest, TemporalIntegersRoundTripInComparisons) {
  Ok(R"j({"sql":"CREATE NAMESPACE tint; CREATE SHARED TABLE tint.t (id INT PRIMARY KEY, ts TIMESTAMP, dt DATETIME, da DATE, tm TIME); INSERT INTO tint.t VALUES (1, 1761645600000000, 1761645600000000, 20389, 36000500000)"})j");
  const char* cases[] = {
      R"j({"sql":"SELECT count(*) FROM tint.t WHERE ts = $1","params":[1761645600000000]})j",
      R"j({"sql":"SELECT count(*) FROM tint.t WHERE dt = $1","params":[1761645600000000]})j",
      R"j({"sql":"SELECT count(*) FROM tint.t WHERE da = $1","params":[20389]})j",
      R"j({"sql":"SELECT count(*) FROM tint.t WHERE tm = $1","params":[36000500000]})j",
      R"j({"sql":"SELECT count(*) FROM tint.t WHERE ts = 1761645600000000"})j",
  };
  for (const char* request : cases) EXPECT_THAT(Ok(request), HasSubstr(R"j("rows":[["1"]])j")) << request;
}

// Ranges too, with parameters and literals, the integer on either side.
TEST_F(SqlEndpointTest, TemporalIntegersInRangeComparisons) {
  Ok(R"j({"sql":"CREATE NAMESPACE trange; CREATE SHARED TABLE trange.t (id INT PRIMARY KEY, ts TIMESTAMP); INSERT INTO trange.t VALUES (1, 1000000), (2, 2000000), (3, 3000000)"})j");
  const std::pair<const char*, const char*> cases[] = {
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE ts < $1","params":[2000000]})j", "1"},
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE ts >= $1","params":[2000000]})j", "2"},
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE ts BETWEEN $1 AND $2","params":[1500000, 3000000]})j", "2"},
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE ts > 1000000"})j", "2"},
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE 2500000 > ts"})j", "2"},
      {R"j({"sql":"SELECT count(*) FROM trange.t WHERE ts BETWEEN 1 AND 2000000"})j", "2"},
  };
  for (const auto& [request, count] : cases) {
    EXPECT_THAT(Ok(request), HasSubstr(std::string(R"j("rows":[[")j") + count + R"j("]])j")) << request;
  }
}

TEST_F(SqlEndpointTest, ExplainAnswersPlanTypeAndPlan) {
  EXPECT_THAT(Ok(R"j({"sql":"EXPLAIN SELECT 1"})j"),
              HasSubstr(R"j("schema":[{"name":"plan_type","data_type":"Text","index":0},{"name":"plan","data_type":"Text","index":1}])j"));
}

// A transaction answers one result per statement, BEGIN and COMMIT included; RETURNING answers
// rows.
TEST_F(SqlEndpointTest, TransactionAndReturningResults) {
  Ok(R"j({"sql":"CREATE NAMESPACE txr; CREATE SHARED TABLE txr.t (id BIGINT PRIMARY KEY, v TEXT)"})j");
  EXPECT_THAT(
      Ok(R"j({"sql":"BEGIN; INSERT INTO txr.t VALUES (1, 'a'); INSERT INTO txr.t VALUES (2, 'b') RETURNING id, v; COMMIT"})j"),
      EndsWith(R"j("results":[{"row_count":0,"message":"Transaction started","as_user":"root"},)j"
               R"j({"row_count":1,"message":"Inserted 1 row(s)","as_user":"root"},)j"
               R"j({"schema":[{"name":"id","data_type":"BigInt","index":0},{"name":"v","data_type":"Text","index":1}],"rows":[["2","b"]],"row_count":1,"as_user":"root"},)j"
               R"j({"row_count":0,"message":"Transaction committed","as_user":"root"}]})j"));
  HttpResult failed = Sql(R"j({"sql":"BEGIN; INSERT INTO txr.t VALUES (3, 'c')"})j");
  EXPECT_EQ(failed.status, 400);
  EXPECT_THAT(failed.body, HasSubstr(R"j("code":"SQL_EXECUTION_ERROR","message":"Statement 1 failed: Transaction not committed: the request ended without COMMIT)j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM txr.t"})j"), HasSubstr(R"j("rows":[["2"]])j"));
}

TEST_F(SqlEndpointTest, TimestampOffsetsInComparisons) {
  Ok(R"j({"sql":"CREATE NAMESPACE toff; CREATE SHARED TABLE toff.t (id INT PRIMARY KEY, ts TIMESTAMP); INSERT INTO toff.t VALUES (1, '2025-10-28 12:00:00+02:00')"})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT ts FROM toff.t"})j"), HasSubstr(R"j("rows":[[1761645600000000]])j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM toff.t WHERE ts = $1","params":["2025-10-28 12:00:00+02:00"]})j"),
              HasSubstr(R"j("rows":[["1"]])j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM toff.t WHERE ts = '2025-10-28 12:00:00+02:00'"})j"),
              HasSubstr(R"j("rows":[["1"]])j"));
}

// ---- docs/http-api.md result shape --------------------------------------------------------------------------

TEST_F(SqlEndpointTest, OneResultPerStatementInOrder) {
  const std::string body = Ok(
      R"j({"sql":"CREATE NAMESPACE shape; CREATE SHARED TABLE shape.t (id BIGINT PRIMARY KEY, v TEXT); INSERT INTO shape.t VALUES (1, 'a'); INSERT INTO shape.t VALUES (2, 'b'), (3, 'c'); UPDATE shape.t SET v = 'z' WHERE id >= 2; DELETE FROM shape.t WHERE id = 3; SELECT id, v FROM shape.t ORDER BY id"})j");
  EXPECT_THAT(
      body,
      EndsWith(
          R"j("results":[{"row_count":0,"message":"Namespace 'shape' created successfully","as_user":"root"},)j"
          R"j({"row_count":0,"message":"Table shape.t created successfully","as_user":"root"},)j"
          R"j({"row_count":1,"message":"Inserted 1 row(s)","as_user":"root"},)j"
          R"j({"row_count":2,"message":"Inserted 2 row(s)","as_user":"root"},)j"
          R"j({"row_count":2,"message":"Updated 2 row(s)","as_user":"root"},)j"
          R"j({"row_count":1,"message":"Deleted 1 row(s)","as_user":"root"},)j"
          R"j({"schema":[{"name":"id","data_type":"BigInt","index":0,"flags":["pk","nn","uq"]},{"name":"v","data_type":"Text","index":1}],"rows":[["1","a"],["2","z"]],"row_count":2,"as_user":"root"}]})j"));
  EXPECT_THAT(body, Not(HasSubstr("truncated")));
}

TEST_F(SqlEndpointTest, NamespaceIdResolvesUnqualifiedNames) {
  Ok(R"j({"sql":"CREATE NAMESPACE nsid; CREATE SHARED TABLE nsid.t (id INT PRIMARY KEY); INSERT INTO nsid.t VALUES (5)"})j");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT id FROM t","namespace_id":"nsid","unknown_field":[1]})j"), HasSubstr(R"j("rows":[[5]])j"));
}

TEST_F(SqlEndpointTest, AcceptedParameterKinds) {
  EXPECT_THAT(Ok(R"j({"sql":"SELECT $1 IS NULL AS n, $2 AS b, $3 AS i, $4 AS d, $5 AS s","params":[null, true, 42, 1.5, "txt"]})j"),
              HasSubstr(R"j("rows":[[true,true,"42",1.5,"txt"]])j"));
  // Exactly max_parameters (50) values are accepted.
  std::string sql = "SELECT $1";
  std::string params = "1";
  for (int i = 2; i <= 50; ++i) {
    sql += " + $" + std::to_string(i);
    params += ",1";
  }
  EXPECT_THAT(Ok(R"j({"sql":")j" + sql + R"j(","params":[)j" + params + "]}"), HasSubstr(R"j("rows":[["50"]])j"));
}

// ---- docs/http-api.md request-level errors -----------------------------------------------------------

TEST_F(SqlEndpointTest, InvalidBodyIsInvalidInput) {
  const char* bodies[] = {
      R"j({"sql":)j",            // malformed JSON
      R"j({"sql":"SELECT 1",})j",  // trailing comma
      "",                        // no body
      "[1]",                     // not an object
      R"j("SELECT 1")j",         // a string
      "42",                      // a number
      "{}",                      // no sql
      R"j({"query":"SELECT 1"})j",  // no sql
      R"j({"sql":1})j",          // sql not a string
      R"j({"sql":null})j",       // sql not a string
      R"j({"sql":["SELECT 1"]})j",  // sql not a string
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    ExpectError(Sql(body), 400, "INVALID_INPUT", "Invalid JSON payload: ");
  }
  // The body is JSON whatever the Content-Type says.
  auto r = client_->Request("POST", "/v1/api/sql", R"j({"sql":"SELECT 1"})j",
                            {{"Authorization", "Basic cm9vdDprYWxhbWRiMTIz"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SqlEndpointTest, AuthIsCheckedBeforeTheBody) {
  auto r = client_->Request("POST", "/v1/api/sql", R"j({"sql":)j");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.body, HasSubstr(R"j("code":"MISSING_AUTHORIZATION","message":"Authentication required")j"));
}

TEST_F(SqlEndpointTest, EmptySql) {
  for (const char* body : {R"j({"sql":""})j", R"j({"sql":"   "})j", R"j({"sql":" ; ;; "})j",
                           R"j({"sql":"-- only a comment"})j", R"j({"sql":"/* block */ ;"})j"}) {
    SCOPED_TRACE(body);
    ExpectError(Sql(body), 400, "EMPTY_SQL", "");
  }
}

TEST_F(SqlEndpointTest, UnterminatedQuoteOrCommentIsBatchParseError) {
  for (const char* body : {R"j({"sql":"SELECT 'abc"})j", R"j({"sql":"SELECT 1; SELECT 'it''s"})j",
                           R"j({"sql":"SELECT \"abc"})j", R"j({"sql":"SELECT 1 /* open"})j"}) {
    SCOPED_TRACE(body);
    ExpectError(Sql(body), 400, "BATCH_PARSE_ERROR", "");
  }
  // Separators inside quotes, parentheses and comments do not split.
  EXPECT_THAT(Ok(R"j({"sql":"SELECT 'a;b' AS s, (SELECT 1) AS one -- x; y\n; /* ; */ SELECT 2 AS two"})j"),
              HasSubstr(R"j("rows":[["a;b",1]])j"));
}

TEST_F(SqlEndpointTest, ParamsWithBatch) {
  ExpectError(Sql(R"j({"sql":"SELECT $1; SELECT 2","params":[1]})j"), 400, "PARAMS_WITH_BATCH", "");
  // Empty statements do not count.
  EXPECT_THAT(Ok(R"j({"sql":"; SELECT $1 AS v;;","params":["one"]})j"), HasSubstr(R"j("rows":[["one"]])j"));
}

// A NUL byte ends the text for DuckDB's parser but not for ours: refused before either reads it,
// wherever it sits (inside a literal, a comment or after the last statement). Parameters are values
// and may hold NUL.
TEST_F(SqlEndpointTest, NulInSqlIsRefused) {
  for (const char* body : {R"j({"sql":"SELECT 1\u0000; SELECT 2"})j", R"j({"sql":"SELECT 'a\u0000b'"})j",
                           R"j({"sql":"SELECT 1 -- \u0000\nFROM system.users"})j", R"j({"sql":"\u0000"})j"}) {
    SCOPED_TRACE(body);
    ExpectError(Sql(body), 400, "INVALID_SQL", "SQL text must not contain a NUL byte");
  }
  EXPECT_THAT(Ok(R"j({"sql":"SELECT length($1) AS n","params":["a\u0000b"]})j"), HasSubstr(R"j("row_count":1)j"));
}

TEST_F(SqlEndpointTest, InvalidParameters) {
  ExpectError(Sql(R"j({"sql":"SELECT $1","params":[{"a":1}]})j"), 400, "INVALID_PARAMETER", "Parameter $1 invalid: ");
  ExpectError(Sql(R"j({"sql":"SELECT $1, $2","params":[1, [2]]})j"), 400, "INVALID_PARAMETER", "Parameter $2 invalid: ");
  std::string many = "1";
  for (int i = 2; i <= 51; ++i) many += ",1";
  ExpectError(Sql(R"j({"sql":"SELECT $1","params":[)j" + many + "]}"), 400, "INVALID_PARAMETER", "Parameter $");
  ExpectError(Sql(R"j({"sql":"SELECT $1, $2","params":[1]})j"), 400, "INVALID_PARAMETER", "Parameter $2 invalid: ");
  ExpectError(Sql(R"j({"sql":"SELECT $1","params":[1, 2]})j"), 400, "INVALID_PARAMETER", "Parameter $2 invalid: ");
  ExpectError(Sql(R"j({"sql":"SELECT 1","params":[1]})j"), 400, "INVALID_PARAMETER", "Parameter $1 invalid: ");
  // A parameterised INSERT takes the same checks.
  Ok(R"j({"sql":"CREATE NAMESPACE prm; CREATE SHARED TABLE prm.t (id INT PRIMARY KEY, v TEXT)"})j");
  ExpectError(Sql(R"j({"sql":"INSERT INTO prm.t VALUES ($1, $2)","params":[1]})j"), 400, "INVALID_PARAMETER",
              "Parameter $2 invalid: ");
  ExpectError(Sql(R"j({"sql":"INSERT INTO prm.t VALUES ($1, $2)","params":[1, "a", "b"]})j"), 400,
              "INVALID_PARAMETER", "Parameter $3 invalid: ");
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM prm.t"})j"), HasSubstr(R"j("rows":[["0"]])j"));
}

TEST_F(SqlEndpointTest, UnconvertibleParameterIsInvalidParameter) {
  Ok(R"j({"sql":"CREATE NAMESPACE conv; CREATE SHARED TABLE conv.t (id INT PRIMARY KEY, ts TIMESTAMP, j JSON)"})j");
  ExpectError(Sql(R"j({"sql":"INSERT INTO conv.t (id) VALUES ($1)","params":["abc"]})j"), 400, "INVALID_PARAMETER",
              "Parameter $1 invalid: ");
  ExpectError(Sql(R"j({"sql":"INSERT INTO conv.t (id, ts) VALUES (1, $1)","params":["not a time"]})j"), 400,
              "INVALID_PARAMETER", "Parameter $1 invalid: ");
  ExpectError(Sql(R"j({"sql":"INSERT INTO conv.t (id, j) VALUES (1, $1)","params":["{bad"]})j"), 400,
              "INVALID_PARAMETER", "Parameter $1 invalid: ");
  Ok(R"j({"sql":"INSERT INTO conv.t (id) VALUES (7)"})j");
  ExpectError(Sql(R"j({"sql":"SELECT * FROM conv.t WHERE id = $1","params":["abc"]})j"), 400, "INVALID_PARAMETER",
              "Parameter $1 invalid: ");
}

TEST_F(SqlEndpointTest, ParseErrorIsInvalidSqlWithStatementNumber) {
  auto r = Sql(R"j({"sql":"SELECT 1 FROM WHERE"})j");
  ExpectError(r, 400, "INVALID_SQL", "Statement 1 failed: ");
  EXPECT_THAT(r.body, HasSubstr(R"j("details":"SELECT 1 FROM WHERE"}})j"));
  ExpectError(Sql(R"j({"sql":"SELEC 1"})j"), 400, "INVALID_SQL", "Statement 1 failed: ");
  // Empty statements are skipped when numbering; comments hide separators.
  r = Sql(R"j({"sql":";; SELECT 1; ; -- a;b\n SELECT 2;; SELECT (3"})j");
  ExpectError(r, 400, "INVALID_SQL", "Statement 3 failed: ");
  EXPECT_THAT(r.body, HasSubstr(R"j("details":"SELECT (3"}})j"));
}

TEST_F(SqlEndpointTest, EveryStatementIsValidatedBeforeAnyRuns) {
  ExpectError(Sql(R"j({"sql":"CREATE NAMESPACE notmade; SELEC 2"})j"), 400, "INVALID_SQL", "Statement 2 failed: ");
  ExpectError(Sql(R"j({"sql":"CREATE SHARED TABLE notmade.t (id INT)"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Namespace 'notmade' does not exist");
}

TEST_F(SqlEndpointTest, ExecutionFailureStopsTheBatchAndKeepsEarlierStatements) {
  Ok(R"j({"sql":"CREATE NAMESPACE batch; CREATE SHARED TABLE batch.t (id INT PRIMARY KEY, v TEXT)"})j");
  auto r = Sql(
      R"j({"sql":"INSERT INTO batch.t VALUES (1, 'kept'); ; INSERT INTO batch.t VALUES (1, 'dup'); INSERT INTO batch.t VALUES (2, 'never')"})j");
  ExpectError(r, 400, "SQL_EXECUTION_ERROR",
              "Statement 2 failed: Primary key violation: value '1' already exists in column 'id'");
  EXPECT_THAT(r.body, HasSubstr(R"j("details":"INSERT INTO batch.t VALUES (1, 'dup')"}})j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT id, v FROM batch.t ORDER BY id"})j"), HasSubstr(R"j("rows":[[1,"kept"]])j"));

  r = Sql(R"j({"sql":"INSERT INTO batch.t VALUES (3, 'also kept'); SELECT * FROM batch.missing"})j");
  ExpectError(r, 400, "SQL_EXECUTION_ERROR", "Statement 2 failed: ");
  EXPECT_THAT(r.body, HasSubstr(R"j("details":"SELECT * FROM batch.missing"}})j"));
  EXPECT_THAT(Ok(R"j({"sql":"SELECT count(*) FROM batch.t"})j"), HasSubstr(R"j("rows":[["2"]])j"));

  ExpectError(Sql(R"j({"sql":"CREATE NAMESPACE batch"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Namespace 'batch' already exists");
}

// ---- Limits (a server of its own) ---------------------------------------------------------------

TEST(SqlEndpointLimitsTest, TooLongSqlAndTruncatedResults) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_LIMITS_MAX_RESULT_ROWS", "3"}, {"KALAMDB_LIMITS_MAX_SQL_BYTES", "256"}}))
      << server.output();
  HttpClient client(server.port());

  // 256 bytes pass, 257 do not; the size check comes before splitting.
  const std::string at_limit = "SELECT '" + std::string(256 - 10, 'a') + "' ";
  ASSERT_EQ(at_limit.size(), 256u);
  EXPECT_EQ(client.Sql(R"j({"sql":")j" + at_limit + "\"}").status, 200);
  ExpectError(client.Sql(R"j({"sql":")j" + at_limit + ";\"}"), 400, "INVALID_SQL", "SQL query too long");
  ExpectError(client.Sql(R"j({"sql":"SELECT ')j" + std::string(300, 'a') + "\"}"), 400, "INVALID_SQL",
              "SQL query too long");

  auto r = client.Sql(
      R"j({"sql":"CREATE NAMESPACE lim; CREATE SHARED TABLE lim.t (id INT PRIMARY KEY); INSERT INTO lim.t VALUES (1), (2), (3), (4), (5); SELECT id FROM lim.t ORDER BY id; SELECT id FROM lim.t WHERE id <= 3 ORDER BY id"})j");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(R"j({"row_count":5,"message":"Inserted 5 row(s)","as_user":"root"})j"));
  EXPECT_THAT(r.body, HasSubstr(R"j("rows":[[1],[2],[3]],"row_count":3,"as_user":"root","truncated":true})j"));
  EXPECT_THAT(r.body, HasSubstr(R"j("rows":[[1],[2],[3]],"row_count":3,"as_user":"root"}]})j"));
  // An aggregate over every row is not affected by the cap.
  EXPECT_THAT(client.Sql(R"j({"sql":"SELECT count(*) FROM lim.t"})j").body, HasSubstr(R"j("rows":[["5"]])j"));
}

// limits.max_answer_bytes and limits.max_write_rows over HTTP: 400 SQL_EXECUTION_ERROR naming
// the key, nothing of a refused write stored, and the server keeps answering.
TEST(SqlEndpointLimitsTest, AnswerBytesAndRowsWritten) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_LIMITS_MAX_ANSWER_BYTES", "100000"},
                                        {"KALAMDB_LIMITS_MAX_WRITE_ROWS", "10"}}))
      << server.output();
  HttpClient client(server.port());

  // 200 KB of strings: refused while collected.
  ExpectError(client.Sql(R"j({"sql":"SELECT repeat('x', 1000) FROM range(200)"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Answer too large: the results of this request exceed limits.max_answer_bytes "
              "(100000 bytes)");
  // 50 KB collected but 300 KB once escaped: refused while encoded.
  ExpectError(client.Sql(R"j({"sql":"SELECT repeat(chr(1), 1000) FROM range(50)"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Answer too large");
  // The limit covers the whole answer of a batch.
  ExpectError(client.Sql(R"j({"sql":"SELECT repeat('x', 1000) FROM range(60); SELECT repeat('y', 1000) FROM range(60)"})j"),
              400, "SQL_EXECUTION_ERROR", "Statement 2 failed: Answer too large");
  EXPECT_EQ(client.Sql(R"j({"sql":"SELECT repeat('x', 1000) FROM range(60)"})j").status, 200);

  ASSERT_EQ(client.Sql(R"j({"sql":"CREATE NAMESPACE lim; CREATE SHARED TABLE lim.t (id INT PRIMARY KEY)"})j").status, 200);
  ExpectError(client.Sql(R"j({"sql":"INSERT INTO lim.t SELECT range FROM range(11)"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Too many rows written: the statement would write more than limits.max_write_rows (10)");
  EXPECT_THAT(client.Sql(R"j({"sql":"SELECT count(*) FROM lim.t"})j").body, HasSubstr(R"j("rows":[["0"]])j"));
  ASSERT_EQ(client.Sql(R"j({"sql":"INSERT INTO lim.t SELECT range FROM range(10); INSERT INTO lim.t VALUES (10)"})j").status,
            200);
  ExpectError(client.Sql(R"j({"sql":"DELETE FROM lim.t"})j"), 400, "SQL_EXECUTION_ERROR",
              "Statement 1 failed: Too many rows written");
  EXPECT_THAT(client.Sql(R"j({"sql":"SELECT count(*) FROM lim.t"})j").body, HasSubstr(R"j("rows":[["11"]])j"));
}

}  // namespace
}  // namespace kalam::testing
