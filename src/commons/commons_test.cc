#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/access_level.h"
#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/data_type.h"
#include "kalam/commons/default_value.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/names.h"
#include "kalam/commons/result.h"
#include "kalam/commons/role.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/status.h"
#include "kalam/commons/table_definition.h"
#include "kalam/commons/table_options.h"
#include "kalam/commons/table_type.h"
#include "kalam/commons/user_record.h"

namespace kalam {
namespace {

// ---------------------------------------------------------------------------------------
// Status and Result

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
    const char* name;
  };
  const std::vector<Case> cases = {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "InvalidArgument"},
      {Status::NotFound("m"), StatusCode::kNotFound, "NotFound"},
      {Status::AlreadyExists("m"), StatusCode::kAlreadyExists, "AlreadyExists"},
      {Status::PermissionDenied("m"), StatusCode::kPermissionDenied, "PermissionDenied"},
      {Status::ConstraintViolation("m"), StatusCode::kConstraintViolation, "ConstraintViolation"},
      {Status::Unsupported("m"), StatusCode::kUnsupported, "Unsupported"},
      {Status::InvalidOperation("m"), StatusCode::kInvalidOperation, "InvalidOperation"},
      {Status::IoError("m"), StatusCode::kIoError, "IoError"},
      {Status::Corruption("m"), StatusCode::kCorruption, "Corruption"},
      {Status::Internal("m"), StatusCode::kInternal, "Internal"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok()) << c.name;
    EXPECT_EQ(c.status.code(), c.code) << c.name;
    EXPECT_EQ(c.status.message(), "m") << c.name;
    EXPECT_EQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(c.status.ToString(), std::string(c.name) + ": m");
  }
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<std::string> good(std::string("hello"));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good.status().ok());
  EXPECT_EQ(good.value(), "hello");
  EXPECT_EQ(*good, "hello");
  EXPECT_EQ(good->size(), 5u);
  good.value() += "!";
  EXPECT_EQ(good.value(), "hello!");
  std::string moved = std::move(good).value();
  EXPECT_EQ(moved, "hello!");

  Result<std::string> bad(Status::NotFound("gone"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(), "gone");
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

Result<int> ParsePositive(int x) {
  if (x <= 0) return Status::InvalidArgument("not positive: " + std::to_string(x));
  return x;
}

Status CheckEven(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return Status::Ok();
}

int g_steps = 0;

Result<int> DoubleIfPositiveAndEven(int x) {
  g_steps = 0;
  KALAM_ASSIGN_OR_RETURN(int v, ParsePositive(x));
  ++g_steps;
  KALAM_RETURN_IF_ERROR(CheckEven(v));
  ++g_steps;
  return v * 2;
}

Status AssignTwice(int a, int b, int* sum) {
  // Two expansions in one scope must not clash.
  KALAM_ASSIGN_OR_RETURN(int x, ParsePositive(a));
  KALAM_ASSIGN_OR_RETURN(int y, ParsePositive(b));
  *sum = x + y;
  return Status::Ok();
}

TEST(StatusMacrosTest, AssignOrReturnAndReturnIfError) {
  Result<int> ok = DoubleIfPositiveAndEven(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 8);
  EXPECT_EQ(g_steps, 2);

  Result<int> negative = DoubleIfPositiveAndEven(-3);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(negative.status().message(), "not positive: -3");
  EXPECT_EQ(g_steps, 0);  // returned before the first step

  Result<int> odd = DoubleIfPositiveAndEven(3);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().message(), "odd");
  EXPECT_EQ(g_steps, 1);  // returned at RETURN_IF_ERROR

  int sum = 0;
  EXPECT_TRUE(AssignTwice(2, 3, &sum).ok());
  EXPECT_EQ(sum, 5);
  sum = 0;
  Status s = AssignTwice(2, -1, &sum);
  EXPECT_EQ(s.message(), "not positive: -1");
  EXPECT_EQ(sum, 0);
}

// ---------------------------------------------------------------------------------------
// Data types

DataType Simple(TypeKind k) { return DataType{k, 0, 0}; }

void ExpectParses(std::string_view spelling, DataType expected) {
  std::optional<DataType> t = ParseDataType(spelling);
  ASSERT_TRUE(t.has_value()) << "'" << spelling << "' did not parse";
  EXPECT_EQ(*t, expected) << "'" << spelling << "' parsed as " << t->SqlName();
}

TEST(ParseDataTypeTest, EverySpellingOfTheProtocol) {
  for (auto s : {"BOOLEAN", "BOOL"}) ExpectParses(s, Simple(TypeKind::kBoolean));
  for (auto s : {"TINYINT", "SMALLINT", "INT2"}) ExpectParses(s, Simple(TypeKind::kSmallInt));
  for (auto s : {"INT", "INTEGER", "INT4", "MEDIUMINT"}) ExpectParses(s, Simple(TypeKind::kInt));
  for (auto s : {"BIGINT", "INT8"}) ExpectParses(s, Simple(TypeKind::kBigInt));
  for (auto s : {"FLOAT", "REAL", "FLOAT4"}) ExpectParses(s, Simple(TypeKind::kFloat));
  for (auto s : {"DOUBLE", "DOUBLE PRECISION", "FLOAT8"}) ExpectParses(s, Simple(TypeKind::kDouble));
  for (auto s : {"TEXT", "VARCHAR", "VARCHAR(20)", "CHAR", "CHAR(1)", "STRING", "NVARCHAR"}) {
    ExpectParses(s, Simple(TypeKind::kText));
  }
  for (auto s : {"BYTES", "BINARY", "VARBINARY", "BLOB", "BYTEA"}) ExpectParses(s, Simple(TypeKind::kBytes));
  for (auto s : {"JSON", "JSONB"}) ExpectParses(s, Simple(TypeKind::kJson));
  ExpectParses("TIMESTAMP", Simple(TypeKind::kTimestamp));
  for (auto s : {"DATETIME", "TIMESTAMPTZ"}) ExpectParses(s, Simple(TypeKind::kDateTime));
  ExpectParses("DATE", Simple(TypeKind::kDate));
  ExpectParses("TIME", Simple(TypeKind::kTime));
  ExpectParses("UUID", Simple(TypeKind::kUuid));
  ExpectParses("DECIMAL(10,2)", DataType{TypeKind::kDecimal, 10, 2});
  ExpectParses("NUMERIC(10,2)", DataType{TypeKind::kDecimal, 10, 2});
}

TEST(ParseDataTypeTest, CaseAndWhitespaceInsensitive) {
  ExpectParses("bigint", Simple(TypeKind::kBigInt));
  ExpectParses("BigInt", Simple(TypeKind::kBigInt));
  ExpectParses("  int  ", Simple(TypeKind::kInt));
  ExpectParses("double   precision", Simple(TypeKind::kDouble));
  ExpectParses("Double\tPrecision", Simple(TypeKind::kDouble));
  ExpectParses("varchar (255)", Simple(TypeKind::kText));
  ExpectParses("numeric( 10 , 2 )", DataType{TypeKind::kDecimal, 10, 2});
  ExpectParses("decimal(10, 2)", DataType{TypeKind::kDecimal, 10, 2});
  ExpectParses("character varying(8)", Simple(TypeKind::kText));
}

TEST(ParseDataTypeTest, DecimalBounds) {
  ExpectParses("DECIMAL", DataType{TypeKind::kDecimal, 18, 3});
  ExpectParses("NUMERIC", DataType{TypeKind::kDecimal, 18, 3});
  ExpectParses("DECIMAL(1,0)", DataType{TypeKind::kDecimal, 1, 0});
  ExpectParses("DECIMAL(38,0)", DataType{TypeKind::kDecimal, 38, 0});
  ExpectParses("DECIMAL(38,38)", DataType{TypeKind::kDecimal, 38, 38});
  ExpectParses("DECIMAL(5,5)", DataType{TypeKind::kDecimal, 5, 5});
  ExpectParses("DECIMAL(12)", DataType{TypeKind::kDecimal, 12, 0});

  for (auto s : {"DECIMAL(0,0)", "DECIMAL(39,0)", "DECIMAL(39,2)", "DECIMAL(10,11)", "DECIMAL(10,-1)",
                 "DECIMAL(-1,0)", "DECIMAL(abc)", "DECIMAL(10,x)", "DECIMAL(,2)", "DECIMAL(10,2",
                 "DECIMAL(99999999999,2)"}) {
    EXPECT_EQ(ParseDataType(s), std::nullopt) << s;
  }
}

TEST(ParseDataTypeTest, DecimalRejectsTrailingGarbageInArguments) {
  // "DECIMAL(10x,2)" and "DECIMAL(10,2,3)" are not valid spellings: every argument must be
  // a whole number on its own.
  EXPECT_EQ(ParseDataType("DECIMAL(10x,2)"), std::nullopt);
  EXPECT_EQ(ParseDataType("DECIMAL(10,2,3)"), std::nullopt);
  EXPECT_EQ(ParseDataType("DECIMAL(10,2x)"), std::nullopt);
}

TEST(ParseDataTypeTest, UnknownSpellingsAreNullopt) {
  for (auto s : {"", "   ", "FILE", "EMBEDDING(384)", "MONEY", "SERIAL", "INT(11)", "BIGINT(20)", "BOOLEAN(1)",
                 "UUID(4)", "VARCHAR(abc)", "VARCHAR(20", "INTEGERS", "DOUBLEPRECISION", "TEXT[]"}) {
    EXPECT_EQ(ParseDataType(s), std::nullopt) << "'" << s << "'";
  }
}

TEST(DataTypeTest, SqlNameIsCanonical) {
  const std::vector<std::pair<DataType, std::string>> cases = {
      {Simple(TypeKind::kBoolean), "BOOLEAN"},   {Simple(TypeKind::kSmallInt), "SMALLINT"},
      {Simple(TypeKind::kInt), "INT"},           {Simple(TypeKind::kBigInt), "BIGINT"},
      {Simple(TypeKind::kFloat), "FLOAT"},       {Simple(TypeKind::kDouble), "DOUBLE"},
      {DataType{TypeKind::kDecimal, 10, 2}, "DECIMAL(10,2)"},
      {DataType{TypeKind::kDecimal, 38, 0}, "DECIMAL(38,0)"},
      {Simple(TypeKind::kText), "TEXT"},         {Simple(TypeKind::kBytes), "BYTES"},
      {Simple(TypeKind::kJson), "JSON"},         {Simple(TypeKind::kTimestamp), "TIMESTAMP"},
      {Simple(TypeKind::kDateTime), "DATETIME"}, {Simple(TypeKind::kDate), "DATE"},
      {Simple(TypeKind::kTime), "TIME"},         {Simple(TypeKind::kUuid), "UUID"},
  };
  for (const auto& [type, name] : cases) {
    EXPECT_EQ(type.SqlName(), name);
    // The canonical name parses back to the same type.
    ExpectParses(name, type);
  }
  EXPECT_EQ(ParseDataType("numeric")->SqlName(), "DECIMAL(18,3)");
}

TEST(DataTypeTest, WireTagJson) {
  const std::vector<std::pair<TypeKind, std::string>> cases = {
      {TypeKind::kBoolean, "\"Boolean\""},     {TypeKind::kSmallInt, "\"SmallInt\""},
      {TypeKind::kInt, "\"Int\""},             {TypeKind::kBigInt, "\"BigInt\""},
      {TypeKind::kFloat, "\"Float\""},         {TypeKind::kDouble, "\"Double\""},
      {TypeKind::kText, "\"Text\""},           {TypeKind::kBytes, "\"Bytes\""},
      {TypeKind::kJson, "\"Json\""},           {TypeKind::kTimestamp, "\"Timestamp\""},
      {TypeKind::kDateTime, "\"DateTime\""},   {TypeKind::kDate, "\"Date\""},
      {TypeKind::kTime, "\"Time\""},           {TypeKind::kUuid, "\"Uuid\""},
  };
  for (const auto& [kind, tag] : cases) EXPECT_EQ(Simple(kind).WireTagJson(), tag);
  EXPECT_EQ((DataType{TypeKind::kDecimal, 10, 2}.WireTagJson()), "{\"Decimal\":{\"precision\":10,\"scale\":2}}");
  EXPECT_EQ((DataType{TypeKind::kDecimal, 38, 38}.WireTagJson()), "{\"Decimal\":{\"precision\":38,\"scale\":38}}");
}

TEST(DataTypeTest, CanBePrimaryKey) {
  for (TypeKind k : {TypeKind::kSmallInt, TypeKind::kInt, TypeKind::kBigInt, TypeKind::kText, TypeKind::kUuid,
                     TypeKind::kDate, TypeKind::kTimestamp}) {
    EXPECT_TRUE(Simple(k).CanBePrimaryKey()) << Simple(k).SqlName();
  }
  for (TypeKind k : {TypeKind::kBoolean, TypeKind::kFloat, TypeKind::kDouble, TypeKind::kDecimal, TypeKind::kBytes,
                     TypeKind::kJson, TypeKind::kDateTime, TypeKind::kTime}) {
    EXPECT_FALSE(Simple(k).CanBePrimaryKey()) << Simple(k).SqlName();
  }
}

// ---------------------------------------------------------------------------------------
// Names

TEST(NamesTest, ToLower) {
  EXPECT_EQ(ToLower("MiXeD_09"), "mixed_09");
  EXPECT_EQ(ToLower(""), "");
}

TEST(NamesTest, ValidateIdentifierAcceptsPlainNames) {
  for (auto n : {"app", "a", "messages_2024", "t1", "timestamp", "role", "hour", "count", "version", "data",
                 "CamelCase"}) {
    EXPECT_TRUE(ValidateIdentifier(n, "Table").ok()) << n;
  }
  EXPECT_TRUE(ValidateIdentifier(std::string(64, 'a'), "Table").ok());
}

TEST(NamesTest, ValidateIdentifierRejects) {
  auto expect_error = [](std::string_view name, std::string_view what, std::string_view message) {
    Status s = ValidateIdentifier(name, what);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), message);
  };
  expect_error("", "Namespace", "Namespace name '' must be 1 to 64 characters");
  expect_error(std::string(65, 'a'), "Table",
               "Table name '" + std::string(65, 'a') + "' must be 1 to 64 characters");
  expect_error("_x", "Column", "Column name '_x' must not start with '_' or a digit");
  expect_error("1x", "Column", "Column name '1x' must not start with '_' or a digit");
  expect_error("a-b", "Table", "Table name 'a-b' may contain only letters, digits and '_'");
  expect_error("a b", "Table", "Table name 'a b' may contain only letters, digits and '_'");
  expect_error("a.b", "Table", "Table name 'a.b' may contain only letters, digits and '_'");
  expect_error("select", "Namespace", "Namespace name 'select' is a reserved word");
  for (auto w : {"all", "and", "table", "where", "with", "null", "default", "primary"}) {
    EXPECT_FALSE(ValidateIdentifier(w, "Column").ok()) << w;
  }
}

TEST(NamesTest, ReservedWordsMatchTheProtocolList) {
  const std::vector<std::string> words = {
      "all",       "and",       "any",     "as",       "asc",     "between",    "by",        "case",
      "cast",      "check",     "column",  "constraint", "create", "cross",     "default",   "delete",
      "desc",      "distinct",  "drop",    "else",     "end",     "except",     "exists",    "false",
      "fetch",     "for",       "foreign", "from",     "full",    "grant",      "group",     "having",
      "in",        "inner",     "insert",  "intersect", "into",   "is",         "join",      "left",
      "like",      "limit",     "not",     "null",     "offset",  "on",         "or",        "order",
      "outer",     "primary",   "references", "returning", "right", "select",   "set",       "some",
      "table",     "then",      "to",      "true",     "union",   "unique",     "update",    "using",
      "values",    "when",      "where",   "window",   "with"};
  for (const auto& w : words) EXPECT_TRUE(IsReservedWord(w)) << w;
  for (auto w : {"timestamp", "role", "hour", "count", "version", "data", "user", "namespace", "SELECT"}) {
    EXPECT_FALSE(IsReservedWord(w)) << w;
  }
}

TEST(NamesTest, ValidateUserId) {
  for (auto id : {"alice", "Alice", "a", "root", "a.b", "a_b", "a-b", "a+b", "alice@example.com", "x.y.z@q-r+s_t",
                  "0123"}) {
    EXPECT_TRUE(ValidateUserId(id).ok()) << id;
  }
  EXPECT_TRUE(ValidateUserId(std::string(128, 'u')).ok());

  for (std::string id : {std::string(), std::string(129, 'u'), std::string(".alice"), std::string("a..b"),
                         std::string("alice.."), std::string("a b"), std::string("a/b"), std::string("a'b"),
                         std::string("a\0b", 3), std::string("a:b"), std::string("ä")}) {
    Status s = ValidateUserId(id);
    EXPECT_FALSE(s.ok()) << id;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << id;
  }
}

TEST(NamesTest, ReservedNamespaces) {
  for (auto n : {"system", "sys", "root", "kalamdb", "kalam", "main", "default", "sql", "admin", "internal",
                 "information_schema", "pg_catalog"}) {
    EXPECT_TRUE(IsReservedNamespace(n)) << n;
  }
  for (auto n : {"app", "systems", "chat", "public", ""}) EXPECT_FALSE(IsReservedNamespace(n)) << n;
}

TEST(NamesTest, ReservedColumnNames) {
  for (auto n : {"_seq", "_deleted", "_id", "_row_id", "_rowid", "_key", "_updated", "_created", "_timestamp",
                 "_version", "_hash"}) {
    EXPECT_TRUE(IsReservedColumnName(n)) << n;
  }
  for (auto n : {"seq", "id", "deleted", "_other", "version"}) EXPECT_FALSE(IsReservedColumnName(n)) << n;
}

TEST(NamesTest, Constants) {
  EXPECT_EQ(kDefaultNamespace, "default");
  EXPECT_EQ(kSystemNamespace, "system");
  EXPECT_EQ(kSeqColumn, "_seq");
  EXPECT_EQ(kDeletedColumn, "_deleted");
  EXPECT_EQ(kRowIdColumn, "_row_id");
  EXPECT_EQ(kRootUser, "root");
}

// ---------------------------------------------------------------------------------------
// Enums

TEST(EnumsTest, ParseRoleNamesAndAliases) {
  EXPECT_EQ(ParseRole("user"), Role::kUser);
  EXPECT_EQ(ParseRole("service"), Role::kService);
  EXPECT_EQ(ParseRole("dba"), Role::kDba);
  EXPECT_EQ(ParseRole("system"), Role::kSystem);
  EXPECT_EQ(ParseRole("admin"), Role::kDba);
  EXPECT_EQ(ParseRole("developer"), Role::kService);
  EXPECT_EQ(ParseRole("analyst"), Role::kService);
  EXPECT_EQ(ParseRole("viewer"), Role::kUser);
  EXPECT_EQ(ParseRole("readonly"), Role::kUser);
  EXPECT_EQ(ParseRole("ADMIN"), Role::kDba);
  EXPECT_EQ(ParseRole("System"), Role::kSystem);
  for (auto s : {"", "root", "superuser", "owner", "dbas", " user"}) EXPECT_EQ(ParseRole(s), std::nullopt) << s;
}

TEST(EnumsTest, RoleNamesRoundTrip) {
  for (Role r : {Role::kUser, Role::kService, Role::kDba, Role::kSystem}) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_EQ(RoleName(Role::kUser), "user");
  EXPECT_EQ(RoleName(Role::kService), "service");
  EXPECT_EQ(RoleName(Role::kDba), "dba");
  EXPECT_EQ(RoleName(Role::kSystem), "system");
  EXPECT_FALSE(IsAdmin(Role::kUser));
  EXPECT_FALSE(IsAdmin(Role::kService));
  EXPECT_TRUE(IsAdmin(Role::kDba));
  EXPECT_TRUE(IsAdmin(Role::kSystem));
}

TEST(EnumsTest, ParseTableType) {
  EXPECT_EQ(ParseTableType("user"), TableType::kUser);
  EXPECT_EQ(ParseTableType("SHARED"), TableType::kShared);
  EXPECT_EQ(ParseTableType("Stream"), TableType::kStream);
  for (auto s : {"", "users", "table", "system"}) EXPECT_EQ(ParseTableType(s), std::nullopt) << s;
  for (TableType t : {TableType::kUser, TableType::kShared, TableType::kStream}) {
    EXPECT_EQ(ParseTableType(TableTypeName(t)), t);
  }
  EXPECT_EQ(TableTypeName(TableType::kUser), "user");
  EXPECT_EQ(TableTypeName(TableType::kShared), "shared");
  EXPECT_EQ(TableTypeName(TableType::kStream), "stream");
}

TEST(EnumsTest, ParseAccessLevel) {
  EXPECT_EQ(ParseAccessLevel("public"), AccessLevel::kPublic);
  EXPECT_EQ(ParseAccessLevel("PRIVATE"), AccessLevel::kPrivate);
  EXPECT_EQ(ParseAccessLevel("Restricted"), AccessLevel::kRestricted);
  EXPECT_EQ(ParseAccessLevel("dba"), AccessLevel::kDba);
  for (auto s : {"", "admin", "protected", "publics"}) EXPECT_EQ(ParseAccessLevel(s), std::nullopt) << s;
  EXPECT_EQ(AccessLevelName(AccessLevel::kPublic), "PUBLIC");
  EXPECT_EQ(AccessLevelName(AccessLevel::kPrivate), "PRIVATE");
  EXPECT_EQ(AccessLevelName(AccessLevel::kRestricted), "RESTRICTED");
  EXPECT_EQ(AccessLevelName(AccessLevel::kDba), "DBA");
  for (AccessLevel l : {AccessLevel::kPublic, AccessLevel::kPrivate, AccessLevel::kRestricted, AccessLevel::kDba}) {
    EXPECT_EQ(ParseAccessLevel(AccessLevelName(l)), l);
  }
}

TEST(EnumsTest, AuthTypeNames) {
  EXPECT_EQ(AuthTypeName(AuthType::kPassword), "password");
  EXPECT_EQ(AuthTypeName(AuthType::kOAuth), "oauth");
  EXPECT_EQ(AuthTypeName(AuthType::kInternal), "internal");
}

// ---------------------------------------------------------------------------------------
// Ids

TEST(IdsTest, TableIdToStringOrderingAndHash) {
  TableId a{NamespaceId("app"), TableName("messages")};
  TableId b{NamespaceId("app"), TableName("users")};
  TableId c{NamespaceId("chat"), TableName("a")};
  EXPECT_EQ(a.ToString(), "app.messages");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a, (TableId{NamespaceId("app"), TableName("messages")}));
  EXPECT_EQ(std::hash<TableId>()(a), std::hash<TableId>()(TableId{NamespaceId("app"), TableName("messages")}));
  std::unordered_set<TableId> set = {a, b, c, a};
  EXPECT_EQ(set.size(), 3u);

  UserId u("alice");
  EXPECT_EQ(u.str(), "alice");
  EXPECT_FALSE(u.empty());
  EXPECT_TRUE(UserId().empty());
}

// ---------------------------------------------------------------------------------------
// Clock and SeqGenerator

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ClockTest, NowMicrosIsWallClock) {
  const int64_t before = WallMillis();
  const int64_t now_us = NowMicros();
  const int64_t after = WallMillis();
  EXPECT_GE(now_us / 1000, before - 1);
  EXPECT_LE(now_us / 1000, after + 1);
}

TEST(SeqGeneratorTest, FirstValueCarriesTimeAndWorker) {
  SeqGenerator gen(5);
  EXPECT_EQ(gen.Last(), 0);
  const int64_t before = WallMillis();
  const SeqId seq = gen.Next();
  const int64_t after = WallMillis();
  EXPECT_GT(seq, 0);
  EXPECT_EQ(gen.Last(), seq);
  EXPECT_EQ((seq >> 12) & 0x3ff, 5);
  EXPECT_EQ(seq & 0xfff, 0);
  EXPECT_GE(SeqGenerator::MillisOf(seq), before - 1);
  EXPECT_LE(SeqGenerator::MillisOf(seq), after + 1);
  EXPECT_EQ(SeqGenerator::kEpochMs, 1704067200000);
}

TEST(SeqGeneratorTest, WorkerIdIsMaskedToTenBits) {
  SeqGenerator gen(0x7ff);
  EXPECT_EQ((gen.Next() >> 12) & 0x3ff, 0x3ff);
}

TEST(SeqGeneratorTest, StrictlyIncreasingInOneThread) {
  SeqGenerator gen;
  SeqId prev = 0;
  // Far more than 4096 per millisecond: the time part runs ahead but order holds.
  for (int i = 0; i < 20000; ++i) {
    const SeqId s = gen.Next();
    ASSERT_GT(s, prev);
    prev = s;
  }
  EXPECT_EQ(gen.Last(), prev);
  // Running ahead stays bounded: 20k ids are at most ~5 ms of id space.
  EXPECT_LT(std::llabs(SeqGenerator::MillisOf(prev) - WallMillis()), 1000);
}

TEST(SeqGeneratorTest, StrictlyIncreasingAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  SeqGenerator gen(3);
  std::vector<std::vector<SeqId>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ids[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(gen.Next());
    });
  }
  for (auto& th : threads) th.join();

  std::vector<SeqId> all;
  all.reserve(kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(ids[t].size(), size_t{kPerThread});
    for (int i = 1; i < kPerThread; ++i) {
      ASSERT_GT(ids[t][i], ids[t][i - 1]) << "thread " << t << " index " << i;
    }
    all.insert(all.end(), ids[t].begin(), ids[t].end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate seq";
  EXPECT_EQ(gen.Last(), all.back());
  EXPECT_LT(std::llabs(SeqGenerator::MillisOf(all.back()) - WallMillis()), 1000);
}

TEST(SeqGeneratorTest, AdvancePast) {
  SeqGenerator gen;
  const SeqId first = gen.Next();
  // A floor far in the future (a restart after the clock stepped back).
  const SeqId floor = first + (int64_t{60000} << 22);
  gen.AdvancePast(floor);
  EXPECT_EQ(gen.Last(), floor);
  const SeqId next = gen.Next();
  EXPECT_EQ(next, floor + 1);
  // A lower floor changes nothing.
  gen.AdvancePast(first);
  EXPECT_EQ(gen.Last(), next);
  EXPECT_GT(gen.Next(), next);

  // A floor in the past is not handed out again but the clock still drives new values.
  SeqGenerator fresh;
  fresh.AdvancePast(1000);
  const SeqId s = fresh.Next();
  EXPECT_GT(s, 1000);
  EXPECT_LT(std::llabs(SeqGenerator::MillisOf(s) - WallMillis()), 1000);
}

TEST(SeqGeneratorTest, SequenceOverflowKeepsTheWorkerField) {
  // The last id of a millisecond (sequence 0xfff) far enough ahead that the clock cannot
  // catch up: the next id must move to the next millisecond, keeping worker 0 and the
  // 41/10/12 layout of docs/sql-reference.md.
  const int64_t ms = (WallMillis() - SeqGenerator::kEpochMs) + 60000;
  const SeqId last_of_ms = (ms << 22) | 0xfff;
  SeqGenerator gen(0);
  gen.AdvancePast(last_of_ms);
  const SeqId next = gen.Next();
  EXPECT_GT(next, last_of_ms);
  EXPECT_EQ(next >> 22, ms + 1);
  EXPECT_EQ(next & 0x3fffff, 0);
}

// ---------------------------------------------------------------------------------------
// ByteWriter / ByteReader

TEST(ByteBufferTest, RoundTripEveryField) {
  std::string buf;
  ByteWriter w(&buf);
  w.U8(0xab);
  w.U32BE(0x01020304);
  w.U64BE(0x0102030405060708ull);
  w.Raw(int64_t{-42});
  w.Raw(3.25);
  w.Bytes("hello");
  w.Bytes("");
  w.Bytes(std::string("a\0b", 3));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, uint64_t{16384},
                     uint64_t{0xffffffff}, std::numeric_limits<uint64_t>::max()}) {
    w.Varint(v);
  }

  ByteReader r(buf);
  uint8_t u8 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  double d = 0;
  std::string_view view;
  std::string str;
  ASSERT_TRUE(r.U8(&u8));
  EXPECT_EQ(u8, 0xab);
  ASSERT_TRUE(r.U32BE(&u32));
  EXPECT_EQ(u32, 0x01020304u);
  ASSERT_TRUE(r.U64BE(&u64));
  EXPECT_EQ(u64, 0x0102030405060708ull);
  ASSERT_TRUE(r.Raw(&i64));
  EXPECT_EQ(i64, -42);
  ASSERT_TRUE(r.Raw(&d));
  EXPECT_EQ(d, 3.25);
  ASSERT_TRUE(r.Bytes(&view));
  EXPECT_EQ(view, "hello");
  ASSERT_TRUE(r.String(&str));
  EXPECT_EQ(str, "");
  ASSERT_TRUE(r.String(&str));
  EXPECT_EQ(str, std::string("a\0b", 3));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, uint64_t{16384},
                     uint64_t{0xffffffff}, std::numeric_limits<uint64_t>::max()}) {
    ASSERT_TRUE(r.Varint(&u64));
    EXPECT_EQ(u64, v);
  }
  EXPECT_TRUE(r.AtEnd());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_FALSE(r.U8(&u8));
}

TEST(ByteBufferTest, BigEndianLayoutSortsBytewise) {
  std::string a, b, c;
  ByteWriter(&a).U32BE(1);
  ByteWriter(&b).U32BE(256);
  ByteWriter(&c).U64BE(uint64_t{1} << 40);
  EXPECT_EQ(a, std::string("\x00\x00\x00\x01", 4));
  EXPECT_EQ(b, std::string("\x00\x00\x01\x00", 4));
  EXPECT_LT(a, b);
  std::string d, e;
  ByteWriter(&d).U64BE(255);
  ByteWriter(&e).U64BE(uint64_t{1} << 40);
  EXPECT_LT(d, e);
  EXPECT_EQ(c.size(), 8u);
}

TEST(ByteBufferTest, VarintEncodingSizes) {
  auto size_of = [](uint64_t v) {
    std::string s;
    ByteWriter(&s).Varint(v);
    return s.size();
  };
  EXPECT_EQ(size_of(0), 1u);
  EXPECT_EQ(size_of(127), 1u);
  EXPECT_EQ(size_of(128), 2u);
  EXPECT_EQ(size_of(16383), 2u);
  EXPECT_EQ(size_of(16384), 3u);
  EXPECT_EQ(size_of(std::numeric_limits<uint64_t>::max()), 10u);
  std::string s;
  ByteWriter(&s).Varint(300);
  EXPECT_EQ(s, "\xac\x02");
}

TEST(ByteBufferTest, TruncationIsDetected) {
  uint8_t u8;
  uint32_t u32;
  uint64_t u64;
  int64_t i64;
  std::string_view view;
  std::string str;

  EXPECT_FALSE(ByteReader("").U8(&u8));
  EXPECT_FALSE(ByteReader("abc").U32BE(&u32));
  EXPECT_FALSE(ByteReader("abcdefg").U64BE(&u64));
  EXPECT_FALSE(ByteReader("abc").U64BE(&u64));
  EXPECT_FALSE(ByteReader("1234567").Raw(&i64));
  EXPECT_FALSE(ByteReader("").Varint(&u64));
  EXPECT_FALSE(ByteReader("\x80").Varint(&u64));        // continuation bit, no next byte
  EXPECT_FALSE(ByteReader("\xff\xff").Varint(&u64));
  EXPECT_FALSE(ByteReader(std::string(11, '\x80')).Varint(&u64));  // overlong
  EXPECT_FALSE(ByteReader("\x05" "abcd").Bytes(&view));    // length 5, 4 bytes follow
  EXPECT_FALSE(ByteReader("\x05" "abcd").String(&str));
  EXPECT_FALSE(ByteReader("").Bytes(&view));

  ByteReader r("abc");
  EXPECT_FALSE(r.Skip(4));
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_TRUE(r.Skip(3));
  EXPECT_TRUE(r.AtEnd());

  // A failed read leaves the reader where it was for fixed-width fields.
  ByteReader partial("ab");
  EXPECT_FALSE(partial.U32BE(&u32));
  EXPECT_EQ(partial.remaining(), 2u);
  ASSERT_TRUE(partial.U8(&u8));
  EXPECT_EQ(u8, 'a');

  // Every strict prefix of a valid record fails somewhere.
  std::string rec;
  ByteWriter w(&rec);
  w.U8(1);
  w.Bytes("payload");
  w.U64BE(99);
  w.Varint(1u << 20);
  for (size_t n = 0; n < rec.size(); ++n) {
    ByteReader pr(std::string_view(rec).substr(0, n));
    const bool ok = pr.U8(&u8) && pr.Bytes(&view) && pr.U64BE(&u64) && pr.Varint(&u64);
    EXPECT_FALSE(ok) << "prefix of " << n << " bytes";
  }
  ByteReader full(rec);
  EXPECT_TRUE(full.U8(&u8) && full.Bytes(&view) && full.U64BE(&u64) && full.Varint(&u64));
  EXPECT_EQ(u64, 1u << 20);
  EXPECT_TRUE(full.AtEnd());
}

// ---------------------------------------------------------------------------------------
// DefaultValue, TableOptions, TableDefinition

TEST(DefaultValueTest, ToSql) {
  auto make = [](DefaultValue::Kind kind, std::string literal = "", bool is_string = false) {
    DefaultValue d;
    d.kind = kind;
    d.literal = std::move(literal);
    d.literal_is_string = is_string;
    return d;
  };
  EXPECT_EQ(make(DefaultValue::Kind::kNull).ToSql(), "NULL");
  EXPECT_EQ(DefaultValue().ToSql(), "NULL");
  EXPECT_EQ(make(DefaultValue::Kind::kNow).ToSql(), "NOW()");
  EXPECT_EQ(make(DefaultValue::Kind::kSnowflakeId).ToSql(), "SNOWFLAKE_ID()");
  EXPECT_EQ(make(DefaultValue::Kind::kUuidV7).ToSql(), "UUID_V7()");
  EXPECT_EQ(make(DefaultValue::Kind::kUlid).ToSql(), "ULID()");
  EXPECT_EQ(make(DefaultValue::Kind::kCurrentUser).ToSql(), "CURRENT_USER()");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "42").ToSql(), "42");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "-1.5").ToSql(), "-1.5");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "true").ToSql(), "true");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "x", true).ToSql(), "'x'");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "", true).ToSql(), "''");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "it's", true).ToSql(), "'it''s'");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "''", true).ToSql(), "''''''");
  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "42", true).ToSql(), "'42'");

  EXPECT_EQ(make(DefaultValue::Kind::kLiteral, "x", true), make(DefaultValue::Kind::kLiteral, "x", true));
  EXPECT_FALSE(make(DefaultValue::Kind::kLiteral, "x", true) == make(DefaultValue::Kind::kLiteral, "x", false));
}

TEST(TableOptionsTest, FlushPolicyText) {
  TableOptions o;
  EXPECT_EQ(o.FlushPolicyText(), "");
  o.flush_row_limit = 1000;
  EXPECT_EQ(o.FlushPolicyText(), "rows:1000");
  o.flush_interval_seconds = 300;
  EXPECT_EQ(o.FlushPolicyText(), "rows:1000,interval:300");
  o.flush_row_limit.reset();
  EXPECT_EQ(o.FlushPolicyText(), "interval:300");
  o.flush_interval_seconds = 60;
  EXPECT_EQ(o.FlushPolicyText(), "interval:60");
}

TEST(TableOptionsTest, Defaults) {
  TableOptions o;
  EXPECT_EQ(o.storage_id.str(), "local");
  EXPECT_EQ(o.access_level, AccessLevel::kPrivate);
  EXPECT_EQ(o.deleted_retention_hours, 168u);
  EXPECT_EQ(o.ttl_seconds, 10u);
  EXPECT_EQ(o.max_buffer, 10000u);
  EXPECT_FALSE(o.flush_row_limit.has_value());
  EXPECT_FALSE(o.flush_interval_seconds.has_value());
}

TEST(TableDefinitionTest, PrimaryKeyIndexAndFindColumn) {
  TableDefinition def;
  EXPECT_EQ(def.PrimaryKeyIndex(), std::nullopt);
  EXPECT_EQ(def.FindColumn("id"), std::nullopt);
  auto column = [](uint32_t id, std::string name, TypeKind kind, bool pk) {
    ColumnDefinition c;
    c.column_id = id;
    c.name = std::move(name);
    c.type = Simple(kind);
    c.nullable = !pk;
    c.primary_key = pk;
    return c;
  };
  def.columns.push_back(column(1, "content", TypeKind::kText, false));
  def.columns.push_back(column(2, "id", TypeKind::kBigInt, true));
  def.columns.push_back(column(3, "created", TypeKind::kTimestamp, false));
  EXPECT_EQ(def.PrimaryKeyIndex(), 1u);
  EXPECT_EQ(def.FindColumn("content"), 0u);
  EXPECT_EQ(def.FindColumn("created"), 2u);
  EXPECT_EQ(def.FindColumn("missing"), std::nullopt);
  EXPECT_EQ(def.FindColumn("ID"), std::nullopt);  // callers pass lowercase names
}

TEST(UserRecordTest, DeletedFlag) {
  UserRecord u;
  EXPECT_FALSE(u.deleted());
  EXPECT_EQ(u.role, Role::kUser);
  EXPECT_EQ(u.storage_id, "local");
  u.deleted_at_us = 1;
  EXPECT_TRUE(u.deleted());
}

}  // namespace
}  // namespace kalam
