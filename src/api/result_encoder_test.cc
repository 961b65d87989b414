#include "kalam/commons/temp_dir.h"
#include "kalam/api/result_encoder.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "duckdb/common/types/decimal.hpp"
#include "duckdb/common/types/vector.hpp"
#include "kalam/commons/json_writer.h"
#include "kalam/core/engine.h"

namespace kalam::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;


void ExpectValidJson(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(text).get(root), simdjson::SUCCESS) << text;
}

// A real engine over a temporary directory; SQL runs as root (role system) unless a session
// is given.
class ResultEncoderTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(100000); }
  void TearDown() override {
    sessions_.clear();
    engine_.reset();
  }

  void Open(uint64_t max_result_rows) {
    sessions_.clear();
    engine_.reset();
    EngineConfig config;
    config.data_path = dir_.path();
    config.query_threads = 1;
    config.max_result_rows = max_result_rows;
    auto opened = core::Engine::Open(config);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value();
  }

  core::Session& As(const std::string& user, Role role) {
    sessions_.push_back(engine_->CreateSession(UserId(user), role));
    return *sessions_.back();
  }
  core::Session& Root() {
    if (!root_index_) {
      As("root", Role::kSystem);
      root_index_ = sessions_.size();
    }
    return *sessions_[*root_index_ - 1];
  }

  core::ExecutionOutcome Exec(core::Session& session, const std::string& sql,
                              const std::vector<duckdb::Value>& params = {}) {
    return engine_->Execute(session, sql, params);
  }

  // The success body of `sql` (run as root), with took = 1.5 ms.
  std::string Success(const std::string& sql) { return Success(Root(), sql); }
  std::string Success(core::Session& session, const std::string& sql) {
    core::ExecutionOutcome outcome = Exec(session, sql);
    EXPECT_TRUE(outcome.ok()) << sql << "\n  -> " << outcome.error.ToString();
    std::string out;
    EncodeSqlSuccess(outcome, 1.5, &out);
    ExpectValidJson(out);
    return out;
  }

  // The error body and status for `sql`, as seen by an admin or not.
  ApiError Failure(core::Session& session, const std::string& sql, bool admin,
                   const std::vector<duckdb::Value>& params = {}) {
    core::ExecutionOutcome outcome = Exec(session, sql, params);
    EXPECT_FALSE(outcome.ok()) << sql << " unexpectedly succeeded";
    if (outcome.ok()) return {};
    return ErrorFromOutcome(outcome, admin);
  }

  void MustRun(const std::string& sql) {
    core::ExecutionOutcome outcome = Exec(Root(), sql);
    ASSERT_TRUE(outcome.ok()) << sql << "\n  -> " << outcome.error.ToString();
  }

  TempDir dir_;
  std::unique_ptr<core::Engine> engine_;
  std::vector<std::unique_ptr<core::Session>> sessions_;
  std::optional<size_t> root_index_;
};

// Wraps one row result into the whole success body.
std::string Body(const std::string& result) {
  return R"({"status":"success","took":1.5,"results":[)" + result + "]}";
}

// ---- The contract's example ---------------------------------------------------------------

TEST_F(ResultEncoderTest, ProtocolExampleOneResultPerStatement) {
  core::ExecutionOutcome outcome = Exec(Root(),
                                        "CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT); "
                                        "INSERT INTO app.t VALUES (1, 'a'), (2, 'b'); SELECT id, v FROM app.t WHERE id = 1");
  ASSERT_TRUE(outcome.ok()) << outcome.error.ToString();
  std::string out;
  EncodeSqlSuccess(outcome, 1.234, &out);
  EXPECT_EQ(out,
            R"({"status":"success","took":1.234,"results":[)"
            R"({"row_count":0,"message":"Namespace 'app' created successfully","as_user":"root"},)"
            R"({"row_count":0,"message":"Table app.t created successfully","as_user":"root"},)"
            R"j({"row_count":2,"message":"Inserted 2 row(s)","as_user":"root"},)j"
            R"({"schema":[{"name":"id","data_type":"BigInt","index":0,"flags":["pk","nn","uq"]},)"
            R"({"name":"v","data_type":"Text","index":1}],)"
            R"("rows":[["1","a"]],"row_count":1,"as_user":"root"}]})");
}

TEST_F(ResultEncoderTest, DmlCountsAreNeverMerged) {
  MustRun("CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");
  EXPECT_EQ(Success("INSERT INTO app.t VALUES (1, 'a'); INSERT INTO app.t VALUES (2, 'b'), (3, 'c'); "
                    "UPDATE app.t SET v = 'z' WHERE id >= 2; DELETE FROM app.t WHERE id = 1"),
            R"({"status":"success","took":1.5,"results":[)"
            R"j({"row_count":1,"message":"Inserted 1 row(s)","as_user":"root"},)j"
            R"j({"row_count":2,"message":"Inserted 2 row(s)","as_user":"root"},)j"
            R"j({"row_count":2,"message":"Updated 2 row(s)","as_user":"root"},)j"
            R"j({"row_count":1,"message":"Deleted 1 row(s)","as_user":"root"}]})j");
}

// ---- Every type (docs/value-encoding.md) from a real table -------------------------------------------------------

TEST_F(ResultEncoderTest, EveryColumnTypeOfTheContract) {
  MustRun("CREATE NAMESPACE app");
  MustRun("CREATE SHARED TABLE app.types (id BIGINT PRIMARY KEY, name TEXT NOT NULL, b BOOLEAN, s SMALLINT, i INT, "
          "g BIGINT, f FLOAT, d DOUBLE, n DECIMAL(10,2), t TEXT, y BYTES, j JSON, ts TIMESTAMP, dt DATETIME, da DATE, "
          "ti TIME, u UUID)");
  MustRun("INSERT INTO app.types VALUES (1, 'all', true, 12, 345, 9007199254740993, 1.5, 2.25, 200.75, "
          "'héllo \"q\" it''s\nline2\ttab \\ 日本 😀', 'hi', '{\"a\":1}', '2025-10-28 10:00:00', "
          "'2025-10-28T10:00:00Z', '2025-10-28', '10:00:00.5', '018B6E8A-07D1-7000-8000-0123456789AB')");
  MustRun("INSERT INTO app.types (id, name) VALUES (2, 'nulls')");
  MustRun("INSERT INTO app.types VALUES (3, 'edges', false, -12, -345, -9007199254740993, -0.25, -1e300, -0.05, '', "
          "'', '[]', '1969-12-31 23:59:59', '2025-10-28T12:00:00+02:00', '1969-12-31', '00:00:00', "
          "'00000000-0000-0000-0000-000000000000')");
  const std::string schema =
      R"("schema":[{"name":"id","data_type":"BigInt","index":0,"flags":["pk","nn","uq"]},)"
      R"({"name":"name","data_type":"Text","index":1,"flags":["nn"]},)"
      R"({"name":"b","data_type":"Boolean","index":2},{"name":"s","data_type":"SmallInt","index":3},)"
      R"({"name":"i","data_type":"Int","index":4},{"name":"g","data_type":"BigInt","index":5},)"
      R"({"name":"f","data_type":"Float","index":6},{"name":"d","data_type":"Double","index":7},)"
      R"({"name":"n","data_type":{"Decimal":{"precision":10,"scale":2}},"index":8},)"
      R"({"name":"t","data_type":"Text","index":9},{"name":"y","data_type":"Bytes","index":10},)"
      R"({"name":"j","data_type":"Json","index":11},{"name":"ts","data_type":"Timestamp","index":12},)"
      R"({"name":"dt","data_type":"DateTime","index":13},{"name":"da","data_type":"Date","index":14},)"
      R"({"name":"ti","data_type":"Time","index":15},{"name":"u","data_type":"Uuid","index":16}])";
  EXPECT_EQ(Success("SELECT id, name, b, s, i, g, f, d, n, t, y, j, ts, dt, da, ti, u FROM app.types ORDER BY id"),
            Body("{" + schema + R"(,"rows":[)"
                 R"(["1","all",true,12,345,"9007199254740993",1.5,2.25,"200.75",)"
                 R"("héllo \"q\" it's\nline2\ttab \\ 日本 😀",[104,105],"{\"a\":1}",)"
                 R"(1761645600000000,1761645600000000,20389,36000500000,"018b6e8a-07d1-7000-8000-0123456789ab"],)"
                 R"(["2","nulls",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null],)"
                 R"(["3","edges",false,-12,-345,"-9007199254740993",-0.25,-1e+300,"-0.05","",[],"[]",)"
                 R"(-1000000,1761645600000000,-1,0,"00000000-0000-0000-0000-000000000000"]],)"
                 R"("row_count":3,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, EmptyResultKeepsSchema) {
  MustRun("CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id INT, v TEXT)");
  EXPECT_EQ(Success("SELECT id, v FROM app.t"),
            Body(R"({"schema":[{"name":"id","data_type":"Int","index":0},{"name":"v","data_type":"Text","index":1}],)"
                 R"("rows":[],"row_count":0,"as_user":"root"})"));
}

// ---- Computed columns ---------------------------------------------------------------------------

TEST_F(ResultEncoderTest, ComputedIntegersFollowTheEngineType) {
  MustRun("CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v INT); "
          "INSERT INTO app.t VALUES (1, 10), (2, 20), (3, 30)");
  EXPECT_EQ(Success("SELECT count(*) AS c, 1+1 AS two, sum(id) AS total, sum(v) AS vs, max(v) AS mx FROM app.t"),
            Body(R"({"schema":[{"name":"c","data_type":"BigInt","index":0},{"name":"two","data_type":"Int","index":1},)"
                 R"({"name":"total","data_type":"BigInt","index":2},{"name":"vs","data_type":"BigInt","index":3},)"
                 R"({"name":"mx","data_type":"Int","index":4}],)"
                 R"("rows":[["3",2,"6","60",30]],"row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, ComputedIntegerWidths) {
  EXPECT_EQ(Success("SELECT 1::TINYINT AS a, 200::UTINYINT AS b, 60000::USMALLINT AS c, 4000000000::UINTEGER AS d, "
                    "18446744073709551615::UBIGINT AS e, '-170141183460469231731687303715884105728'::HUGEINT AS f, "
                    "'340282366920938463463374607431768211455'::UHUGEINT AS g, (-9223372036854775808)::BIGINT AS h"),
            Body(R"({"schema":[{"name":"a","data_type":"SmallInt","index":0},)"
                 R"({"name":"b","data_type":"SmallInt","index":1},{"name":"c","data_type":"Int","index":2},)"
                 R"({"name":"d","data_type":"BigInt","index":3},{"name":"e","data_type":"BigInt","index":4},)"
                 R"({"name":"f","data_type":"BigInt","index":5},{"name":"g","data_type":"BigInt","index":6},)"
                 R"({"name":"h","data_type":"BigInt","index":7}],"rows":[[1,200,60000,"4000000000",)"
                 R"("18446744073709551615","-170141183460469231731687303715884105728",)"
                 R"("340282366920938463463374607431768211455","-9223372036854775808"]],"row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, ComputedDecimalsOfEveryWidth) {
  EXPECT_EQ(Success("SELECT 12.3::DECIMAL(4,1) AS a, -0.05::DECIMAL(9,2) AS b, 123456789012.345::DECIMAL(18,3) AS c, "
                    "'-12345678901234567890.0123456789'::DECIMAL(38,10) AS d, 7::DECIMAL(5,0) AS e, "
                    "0::DECIMAL(4,3) AS f"),
            Body(R"({"schema":[{"name":"a","data_type":{"Decimal":{"precision":4,"scale":1}},"index":0},)"
                 R"({"name":"b","data_type":{"Decimal":{"precision":9,"scale":2}},"index":1},)"
                 R"({"name":"c","data_type":{"Decimal":{"precision":18,"scale":3}},"index":2},)"
                 R"({"name":"d","data_type":{"Decimal":{"precision":38,"scale":10}},"index":3},)"
                 R"({"name":"e","data_type":{"Decimal":{"precision":5,"scale":0}},"index":4},)"
                 R"({"name":"f","data_type":{"Decimal":{"precision":4,"scale":3}},"index":5}],)"
                 R"("rows":[["12.3","-0.05","123456789012.345","-12345678901234567890.0123456789","7","0.000"]],)"
                 R"("row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, ComputedFloatsIncludingNonFinite) {
  EXPECT_EQ(Success("SELECT 'NaN'::DOUBLE AS a, 'inf'::DOUBLE AS b, '-inf'::FLOAT AS c, 0.1::FLOAT AS d, "
                    "1e21::DOUBLE AS e, 3::DOUBLE AS f"),
            Body(R"({"schema":[{"name":"a","data_type":"Double","index":0},{"name":"b","data_type":"Double","index":1},)"
                 R"({"name":"c","data_type":"Float","index":2},{"name":"d","data_type":"Float","index":3},)"
                 R"({"name":"e","data_type":"Double","index":4},{"name":"f","data_type":"Double","index":5}],)"
                 R"("rows":[["NaN","Infinity","-Infinity",0.1,1e+21,3.0]],"row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, ComputedTimesOfEveryUnit) {
  EXPECT_EQ(Success("SELECT '2025-10-28 10:00:00'::TIMESTAMP_S AS a, '2025-10-28 10:00:00.123'::TIMESTAMP_MS AS b, "
                    "'2025-10-28 10:00:00.123456789'::TIMESTAMP_NS AS c, "
                    "'1969-12-31 23:59:59.9999995'::TIMESTAMP_NS AS d, '10:00:00+02'::TIMETZ AS e, "
                    "'infinity'::TIMESTAMP AS f, '2025-10-28 12:00:00+02'::TIMESTAMPTZ AS g, "
                    "'2025-10-28'::DATE AS h, '23:59:59.999999'::TIME AS i"),
            Body(R"({"schema":[{"name":"a","data_type":"Timestamp","index":0},)"
                 R"({"name":"b","data_type":"Timestamp","index":1},{"name":"c","data_type":"Timestamp","index":2},)"
                 R"({"name":"d","data_type":"Timestamp","index":3},{"name":"e","data_type":"Time","index":4},)"
                 R"({"name":"f","data_type":"Timestamp","index":5},{"name":"g","data_type":"DateTime","index":6},)"
                 R"({"name":"h","data_type":"Date","index":7},{"name":"i","data_type":"Time","index":8}],)"
                 R"("rows":[[1761645600000000,1761645600123000,1761645600123456,-1,36000000000,)"
                 R"(9223372036854775807,1761645600000000,20389,86399999999]],"row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, NestedAndOtherTypesAsCanonicalText) {
  EXPECT_EQ(Success("SELECT INTERVAL '1 day 2 hours' AS a, [1, 2, 3] AS b, {'k': 1, 's': 'x'} AS c, "
                    "MAP {'m': 1} AS d, '\\x00\\xFF'::BLOB AS e, '[1]'::JSON AS f, gen_random_uuid() IS NOT NULL AS g, "
                    "[]::INT[] AS h, NULL AS i"),
            Body(R"({"schema":[{"name":"a","data_type":"Text","index":0},{"name":"b","data_type":"Text","index":1},)"
                 R"({"name":"c","data_type":"Text","index":2},{"name":"d","data_type":"Text","index":3},)"
                 R"({"name":"e","data_type":"Bytes","index":4},{"name":"f","data_type":"Json","index":5},)"
                 R"({"name":"g","data_type":"Boolean","index":6},{"name":"h","data_type":"Text","index":7},)"
                 R"({"name":"i","data_type":"Int","index":8}],)"
                 R"("rows":[["1 day 02:00:00","[1, 2, 3]","{'k': 1, 's': x}","{m=1}",[0,255],"[1]",true,"[]",null]],)"
                 R"("row_count":1,"as_user":"root"})"));
}

// ---- Masking, truncation, many chunks -------------------------------------------------------------

TEST_F(ResultEncoderTest, PasswordHashAndCredentialsAreMasked) {
  EXPECT_EQ(Success("SELECT 'x' AS password_hash, NULL::TEXT AS credentials, 42 AS \"Credentials\", "
                    "'visible' AS password, '{\"k\":1}'::JSON AS \"PASSWORD_HASH\""),
            Body(R"({"schema":[{"name":"password_hash","data_type":"Text","index":0},)"
                 R"({"name":"credentials","data_type":"Text","index":1},)"
                 R"({"name":"Credentials","data_type":"Int","index":2},)"
                 R"({"name":"password","data_type":"Text","index":3},)"
                 R"({"name":"PASSWORD_HASH","data_type":"Json","index":4}],)"
                 R"("rows":[["***",null,"***","visible","***"]],"row_count":1,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, TruncatedOnlyWhenCut) {
  Open(3);
  EXPECT_EQ(Success("SELECT range AS n FROM range(5)"),
            Body(R"({"schema":[{"name":"n","data_type":"BigInt","index":0}],"rows":[["0"],["1"],["2"]],)"
                 R"("row_count":3,"as_user":"root","truncated":true})"));
  EXPECT_EQ(Success("SELECT range AS n FROM range(3)"),
            Body(R"({"schema":[{"name":"n","data_type":"BigInt","index":0}],"rows":[["0"],["1"],["2"]],)"
                 R"("row_count":3,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, RowsSpanningManyChunks) {
  const std::string out = Success("SELECT range::INT AS n, 'r' || range AS s FROM range(5000) ORDER BY n");
  std::string expected_rows;
  for (int i = 0; i < 5000; ++i) {
    if (i) expected_rows += ",";
    const std::string n = std::to_string(i);
    expected_rows.append("[").append(n).append(",\"r").append(n).append("\"]");
  }
  EXPECT_EQ(out, Body(R"({"schema":[{"name":"n","data_type":"Int","index":0},{"name":"s","data_type":"Text","index":1}],)"
                      R"("rows":[)" + expected_rows + R"(],"row_count":5000,"as_user":"root"})"));
}

TEST_F(ResultEncoderTest, AsUserIsTheActingUser) {
  MustRun("CREATE NAMESPACE app; CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  core::Session& alice = As("alice", Role::kUser);
  EXPECT_EQ(Success(alice, "INSERT INTO app.m VALUES (1, 'hi'); SELECT body FROM app.m"),
            R"({"status":"success","took":1.5,"results":[)"
            R"j({"row_count":1,"message":"Inserted 1 row(s)","as_user":"alice"},)j"
            R"({"schema":[{"name":"body","data_type":"Text","index":0}],"rows":[["hi"]],"row_count":1,)"
            R"("as_user":"alice"}]})");
}

TEST_F(ResultEncoderTest, AppendsToExistingText) {
  core::ExecutionOutcome outcome;
  std::string out = "HTTP-body:";
  EncodeSqlSuccess(outcome, 0, &out);
  EXPECT_EQ(out, R"(HTTP-body:{"status":"success","took":0.0,"results":[]})");
}

// ---- RowEncoder on hand-made vectors ----------------------------------------------------------

TEST(RowEncoderTest, ConstantAndDictionaryVectors) {
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(),
                   {duckdb::LogicalType::INTEGER, duckdb::LogicalType::VARCHAR, duckdb::LogicalType::BIGINT});
  for (duckdb::idx_t r = 0; r < 3; ++r) {
    chunk.SetValue(1, r, duckdb::Value("s" + std::to_string(r)));
    chunk.SetValue(2, r, r == 1 ? duckdb::Value(duckdb::LogicalType::BIGINT) : duckdb::Value::BIGINT(r * 10));
  }
  chunk.SetCardinality(3);
  chunk.data[0].Reference(duckdb::Value::INTEGER(7));  // constant vector
  duckdb::SelectionVector reverse(3);
  for (duckdb::idx_t r = 0; r < 3; ++r) reverse.set_index(r, 2 - r);
  chunk.data[1].Slice(reverse, 3);  // dictionary vector
  chunk.data[2].Slice(reverse, 3);

  RowEncoder encoder({duckdb::LogicalType::INTEGER, duckdb::LogicalType::VARCHAR, duckdb::LogicalType::BIGINT},
                     {"a", "b", "c"});
  std::string out;
  JsonWriter writer(&out);
  writer.StartArray();
  encoder.AppendRows(chunk, writer);
  encoder.AppendRows(chunk, writer);  // reusable across chunks
  writer.EndArray();
  EXPECT_EQ(out, R"([[7,"s2","20"],[7,"s1",null],[7,"s0","0"],[7,"s2","20"],[7,"s1",null],[7,"s0","0"]])");
}

TEST(RowEncoderTest, ConstantNullVector) {
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), {duckdb::LogicalType::DOUBLE});
  chunk.SetCardinality(2);
  chunk.data[0].Reference(duckdb::Value(duckdb::LogicalType::DOUBLE));
  RowEncoder encoder({duckdb::LogicalType::DOUBLE}, {});
  std::string out;
  JsonWriter writer(&out);
  writer.StartArray();
  encoder.AppendRows(chunk, writer);
  writer.EndArray();
  EXPECT_EQ(out, "[[null],[null]]");
}

// DuckDB drops the zero before the point when width == scale (".5000"); we keep it ("0.5000").
std::string WithLeadingZero(const std::string& text) {
  const size_t dot = text.find('.');
  if (dot == 0 || (dot == 1 && text[0] == '-')) {
    std::string out(text, 0, dot);
    out.push_back('0');
    out.append(text, dot, std::string::npos);
    return out;
  }
  return text;
}

// Our decimal text against DuckDB's own Decimal::ToString for every storage width, except
// that we always write the digit before the point.
TEST(RowEncoderTest, DecimalTextMatchesDuckDB) {
  struct Case {
    uint8_t width;
    uint8_t scale;
    std::vector<int64_t> values;
  };
  const std::vector<Case> cases = {
      {4, 0, {0, 1, -1, 9999, -9999}},
      {4, 2, {0, 5, -5, 99, -100, 1234, -9999}},
      {4, 4, {0, 1, -1, 9999, -9999}},
      {9, 3, {0, 7, -7, 1000, -123456789, 999999999}},
      {18, 6, {0, 1, -1, 123456789012345678, -999999999999999999}},
      {18, 18, {1, -1, 999999999999999999}},
      {38, 0, {0, 42, -42, INT64_MAX, INT64_MIN}},
      {38, 20, {0, 1, -1, INT64_MAX, INT64_MIN}},
  };
  for (const Case& c : cases) {
    const duckdb::LogicalType type = duckdb::LogicalType::DECIMAL(c.width, c.scale);
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), {type});
    std::string expected = "[";
    for (size_t r = 0; r < c.values.size(); ++r) {
      const int64_t v = c.values[r];
      duckdb::Value value;
      std::string text;
      switch (type.InternalType()) {
        case duckdb::PhysicalType::INT16:
          value = duckdb::Value::DECIMAL(static_cast<int16_t>(v), c.width, c.scale);
          text = duckdb::Decimal::ToString(static_cast<int16_t>(v), c.width, c.scale);
          break;
        case duckdb::PhysicalType::INT32:
          value = duckdb::Value::DECIMAL(static_cast<int32_t>(v), c.width, c.scale);
          text = duckdb::Decimal::ToString(static_cast<int32_t>(v), c.width, c.scale);
          break;
        case duckdb::PhysicalType::INT64:
          value = duckdb::Value::DECIMAL(v, c.width, c.scale);
          text = duckdb::Decimal::ToString(v, c.width, c.scale);
          break;
        default: {
          // Scale the value up so that the 128-bit path sees numbers beyond 64 bits too.
          duckdb::hugeint_t h = duckdb::hugeint_t(v) * duckdb::hugeint_t(1000000000000LL);
          value = duckdb::Value::DECIMAL(h, c.width, c.scale);
          text = duckdb::Decimal::ToString(h, c.width, c.scale);
        }
      }
      chunk.SetValue(0, r, value);
      text = WithLeadingZero(text);
      expected += (r ? ",[\"" : "[\"") + text + "\"]";
    }
    expected += "]";
    chunk.SetCardinality(c.values.size());
    RowEncoder encoder({type}, {"n"});
    std::string out;
    JsonWriter writer(&out);
    writer.StartArray();
    encoder.AppendRows(chunk, writer);
    writer.EndArray();
    EXPECT_EQ(out, expected) << "DECIMAL(" << int(c.width) << "," << int(c.scale) << ")";
  }
}

// ---- Errors -----------------------------------------------------------------------------------

TEST(EncodeSqlErrorTest, ShapeWithAndWithoutDetails) {
  std::string out;
  EncodeSqlError(ApiError{400, ApiErrorCode::kSqlExecutionError, "Statement 2 failed: Table app.x already exists",
                          "CREATE TABLE app.x (id INT)"},
                 0.42, &out);
  EXPECT_EQ(out, R"({"status":"error","results":[],"took":0.42,"error":{"code":"SQL_EXECUTION_ERROR",)"
                 R"j("message":"Statement 2 failed: Table app.x already exists","details":"CREATE TABLE app.x (id INT)"}})j");
  out.clear();
  EncodeSqlError(MakeApiError(ApiErrorCode::kMissingAuthorization, "Authentication required"), 0.0004, &out);
  EXPECT_EQ(out, R"({"status":"error","results":[],"took":0.0,"error":{"code":"MISSING_AUTHORIZATION",)"
                 R"("message":"Authentication required"}})");
  out.clear();
  EncodeSqlError(MakeApiError(ApiErrorCode::kInvalidInput, "Invalid JSON payload: \"x\"\n"), 2, &out);
  EXPECT_EQ(out, R"({"status":"error","results":[],"took":2.0,"error":{"code":"INVALID_INPUT",)"
                 R"("message":"Invalid JSON payload: \"x\"\n"}})");
}

core::ExecutionOutcome StatementFailure(StatusCode code, std::string reason, size_t n = 2) {
  core::ExecutionOutcome outcome;
  outcome.error_kind = core::RequestErrorKind::kStatement;
  outcome.failed_statement = n;
  outcome.failed_sql = "SELECT broken";
  outcome.error = Status(code, "Statement " + std::to_string(n) + " failed: " + std::move(reason));
  return outcome;
}

TEST(ErrorFromOutcomeTest, StatementStatusCodes) {
  struct Case {
    StatusCode code;
    int http;
    ApiErrorCode api;
    bool redacted_for_users;
  };
  const std::vector<Case> cases = {
      {StatusCode::kInvalidArgument, 400, ApiErrorCode::kInvalidSql, false},
      {StatusCode::kUnsupported, 400, ApiErrorCode::kInvalidSql, false},
      {StatusCode::kPermissionDenied, 403, ApiErrorCode::kPermissionDenied, false},
      {StatusCode::kAlreadyExists, 400, ApiErrorCode::kSqlExecutionError, false},
      {StatusCode::kConstraintViolation, 400, ApiErrorCode::kSqlExecutionError, false},
      {StatusCode::kInvalidOperation, 400, ApiErrorCode::kSqlExecutionError, false},
      {StatusCode::kNotFound, 400, ApiErrorCode::kSqlExecutionError, true},
      {StatusCode::kInternal, 500, ApiErrorCode::kInternalError, true},
      {StatusCode::kIoError, 500, ApiErrorCode::kInternalError, true},
      {StatusCode::kCorruption, 500, ApiErrorCode::kInternalError, true},
      {StatusCode::kUnavailable, 503, ApiErrorCode::kStorageUnavailable, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(StatusCodeName(c.code)));
    const core::ExecutionOutcome outcome = StatementFailure(c.code, "the reason");
    ApiError admin = ErrorFromOutcome(outcome, true);
    EXPECT_EQ(admin.http_status, c.http);
    EXPECT_EQ(admin.code, c.api);
    EXPECT_EQ(admin.message, "Statement 2 failed: the reason");
    EXPECT_EQ(admin.details, "SELECT broken");

    ApiError user = ErrorFromOutcome(outcome, false);
    EXPECT_EQ(user.http_status, c.http);
    EXPECT_EQ(user.code, c.api);
    EXPECT_EQ(user.details, std::nullopt);
    if (!c.redacted_for_users) {
      EXPECT_EQ(user.message, "Statement 2 failed: the reason");
    } else if (c.http == 500) {
      EXPECT_EQ(user.message, "Statement 2 failed: SQL request failed");
    } else {
      EXPECT_EQ(user.message, "Statement 2 failed: SQL statement failed");
    }
  }
}

// Visibility is decided by the status's disclosable mark, never by its wording.
TEST(ErrorFromOutcomeTest, MissingNamespaceStaysVisible) {
  core::ExecutionOutcome outcome = StatementFailure(StatusCode::kNotFound, "", 1);
  outcome.error = NamespaceNotFound("x").Prefixed("Statement 1 failed: ");
  ApiError e = ErrorFromOutcome(outcome, false);
  EXPECT_EQ(e.code, ApiErrorCode::kSqlExecutionError);
  EXPECT_EQ(e.message, "Statement 1 failed: Namespace 'x' does not exist");
  // The same words without the mark are redacted like any other failure.
  ApiError unmarked =
      ErrorFromOutcome(StatementFailure(StatusCode::kNotFound, "Namespace 'x' does not exist", 1), false);
  EXPECT_EQ(unmarked.message, "Statement 1 failed: SQL statement failed");
}

TEST(ErrorFromOutcomeTest, RequestLevelKinds) {
  auto make = [](core::RequestErrorKind kind, std::string message) {
    core::ExecutionOutcome outcome;
    outcome.error_kind = kind;
    outcome.error = Status::InvalidArgument(std::move(message));
    return outcome;
  };
  for (bool admin : {false, true}) {
    ApiError e = ErrorFromOutcome(make(core::RequestErrorKind::kEmptySql, "No SQL statement provided"), admin);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.code, ApiErrorCode::kEmptySql);
    EXPECT_EQ(e.message, "No SQL statement provided");
    EXPECT_EQ(e.details, std::nullopt);
    e = ErrorFromOutcome(make(core::RequestErrorKind::kBatchParse, "Unterminated quote"), admin);
    EXPECT_EQ(e.code, ApiErrorCode::kBatchParseError);
    EXPECT_EQ(e.message, "Unterminated quote");
    e = ErrorFromOutcome(make(core::RequestErrorKind::kParamsWithBatch, "no batch"), admin);
    EXPECT_EQ(e.code, ApiErrorCode::kParamsWithBatch);
    e = ErrorFromOutcome(make(core::RequestErrorKind::kInvalidParameter, "Parameter $1 invalid: x"), admin);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.code, ApiErrorCode::kInvalidParameter);
    EXPECT_EQ(e.message, "Parameter $1 invalid: x");
  }
}

TEST_F(ResultEncoderTest, ErrorsFromTheEngine) {
  MustRun("CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY) WITH (ACCESS_LEVEL = 'PUBLIC')");
  core::Session& alice = As("alice", Role::kUser);

  ApiError e = Failure(Root(), "SELECT 1; CREATE NAMESPACE app", true);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, ApiErrorCode::kSqlExecutionError);
  EXPECT_THAT(e.message, StartsWith("Statement 2 failed: "));
  EXPECT_THAT(e.message, HasSubstr("already exists"));
  EXPECT_EQ(e.details, "CREATE NAMESPACE app");

  e = Failure(alice, "SELECT * FROM app.nope", false);
  EXPECT_EQ(e.code, ApiErrorCode::kSqlExecutionError);
  EXPECT_EQ(e.message, "Statement 1 failed: SQL statement failed");
  EXPECT_EQ(e.details, std::nullopt);
  e = Failure(Root(), "SELECT * FROM app.nope", true);
  EXPECT_THAT(e.message, HasSubstr("app.nope"));

  e = Failure(alice, "SELECT * FROM nowhere.t", false);
  EXPECT_EQ(e.code, ApiErrorCode::kSqlExecutionError);
  EXPECT_THAT(e.message, HasSubstr("Namespace 'nowhere'"));

  e = Failure(alice, "INSERT INTO app.t VALUES (1)", false);
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.code, ApiErrorCode::kPermissionDenied);

  e = Failure(alice, "SELEC 1", false);
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidSql);
  EXPECT_THAT(e.message, StartsWith("Statement 1 failed: "));

  e = Failure(alice, "  ;  ; ", false);
  EXPECT_EQ(e.code, ApiErrorCode::kEmptySql);
  e = Failure(alice, "SELECT 'abc", false);
  EXPECT_EQ(e.code, ApiErrorCode::kBatchParseError);
  e = Failure(alice, "SELECT $1; SELECT 2", false, {duckdb::Value::BIGINT(1)});
  EXPECT_EQ(e.code, ApiErrorCode::kParamsWithBatch);
  e = Failure(alice, "SELECT $1", false);
  EXPECT_EQ(e.code, ApiErrorCode::kInvalidParameter);
  EXPECT_THAT(e.message, StartsWith("Parameter $1 invalid: "));

  std::string body;
  EncodeSqlError(Failure(Root(), "INSERT INTO app.t VALUES (1); INSERT INTO app.t VALUES (1)", true), 3.25, &body);
  ExpectValidJson(body);
  EXPECT_THAT(body, StartsWith(R"({"status":"error","results":[],"took":3.25,"error":{"code":"SQL_EXECUTION_ERROR",)"
                               R"("message":"Statement 2 failed: )"));
  EXPECT_THAT(body, HasSubstr(R"j("details":"INSERT INTO app.t VALUES (1)"}})j"));
}

}  // namespace
}  // namespace kalam::api

namespace kalam::api {
namespace {

// limits.max_answer_bytes at the encoder: the engine's check counts collected bytes, which
// escaping can multiply (a control character becomes six bytes); the encoder's is exact.
TEST_F(ResultEncoderTest, AnswerOverTheLimitAfterEscapingIsRefused) {
  core::ExecutionOutcome outcome = Exec(Root(), "SELECT 1; SELECT repeat(chr(1), 1000) FROM range(50)");
  ASSERT_TRUE(outcome.ok()) << outcome.error.ToString();
  std::string out;
  std::optional<ApiError> error = EncodeSqlSuccess(outcome, 1.5, &out, 100000);
  ASSERT_TRUE(error.has_value()) << "a " << out.size() << "-byte body passed a 100000-byte limit";
  EXPECT_EQ(error->http_status, 400);
  EXPECT_EQ(error->code, ApiErrorCode::kSqlExecutionError);
  EXPECT_THAT(error->message, StartsWith("Statement 2 failed: Answer too large"));
  EXPECT_THAT(error->message, HasSubstr("limits.max_answer_bytes (100000 bytes)"));

  out.clear();
  EXPECT_FALSE(EncodeSqlSuccess(outcome, 1.5, &out, 400000).has_value());
  ExpectValidJson(out);
}

}  // namespace
}  // namespace kalam::api
