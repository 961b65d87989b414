#include "kalam/live/row_filter.h"

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/query_node/select_node.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "kalam/commons/clock.h"
#include "kalam/commons/manual_clock.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::live {
namespace {

using duckdb::Value;
using ::testing::HasSubstr;

using Cells = std::map<std::string, std::optional<std::string>>;

DataType T(TypeKind k) { return DataType{k, 0, 0}; }

ColumnDefinition Column(std::string name, DataType type, bool pk = false) {
  ColumnDefinition c;
  c.name = std::move(name);
  c.type = type;
  c.primary_key = pk;
  c.nullable = !pk;
  return c;
}

TableDefinition OrdersTable() {
  TableDefinition def;
  def.id = TableId{NamespaceId("shop"), TableName("orders")};
  def.type = TableType::kUser;
  def.columns = {Column("id", T(TypeKind::kBigInt), true),
                 Column("user_id", T(TypeKind::kText)),
                 Column("status", T(TypeKind::kText)),
                 Column("amount", T(TypeKind::kDouble)),
                 Column("qty", T(TypeKind::kInt)),
                 Column("price", DataType{TypeKind::kDecimal, 10, 2}),
                 Column("created_at", T(TypeKind::kTimestamp)),
                 Column("note", T(TypeKind::kText)),
                 Column("flag", T(TypeKind::kBoolean))};
  return def;
}

// The remaining column types, for coercion and reading.
TableDefinition OddTypesTable() {
  TableDefinition def;
  def.id = TableId{NamespaceId("shop"), TableName("odd")};
  def.columns = {Column("f", T(TypeKind::kFloat)),
                 Column("d", T(TypeKind::kDate)),
                 Column("u", T(TypeKind::kUuid)),
                 Column("j", T(TypeKind::kJson)),
                 Column("b", T(TypeKind::kBytes)),
                 Column("dt", T(TypeKind::kDateTime)),
                 Column("t", T(TypeKind::kTime)),
                 Column("s", T(TypeKind::kSmallInt)),
                 Column("big", DataType{TypeKind::kDecimal, 30, 4})};
  return def;
}

// Parses `SELECT * FROM ns.t WHERE <where>` as the subscription path does and compiles the
// WHERE clause.
Result<RowFilter> CompileWhere(const std::string& where, const TableDefinition& def, const std::string& user,
                               const Clock& clock = SystemClock()) {
  duckdb::Parser parser;
  parser.ParseQuery("SELECT * FROM " + def.id.ToString() + " WHERE " + where);
  const auto& node = parser.statements[0]->Cast<duckdb::SelectStatement>().node->Cast<duckdb::SelectNode>();
  return RowFilter::Compile(node.where_clause.get(), def, UserId(user), clock);
}

// One row of `def`: each column's value is `cells[name]` converted with the input rules of docs/value-encoding.md
// (nullopt = NULL), or `defaults[name]`.
std::vector<Value> MakeRow(const TableDefinition& def, const Cells& defaults, const Cells& cells) {
  std::vector<Value> row;
  for (const ColumnDefinition& column : def.columns) {
    auto it = cells.find(column.name);
    const std::optional<std::string>& text = it != cells.end() ? it->second : defaults.at(column.name);
    if (!text) {
      row.emplace_back(tables::ToLogicalType(column.type));
      continue;
    }
    auto value = tables::CoerceToColumn(Value(*text), column);
    EXPECT_TRUE(value.ok()) << column.name << ": " << value.status().ToString();
    row.push_back(value.ok() ? *value : Value(tables::ToLogicalType(column.type)));
  }
  return row;
}

class RowFilterTest : public ::testing::Test {
 protected:
  Result<RowFilter> Compile(const std::string& where, const std::string& user = "alice") {
    return CompileWhere(where, def_, user);
  }

  std::vector<Value> Row(const Cells& cells = {}) const {
    static const Cells kDefaults = {{"id", "1"},
                                    {"user_id", "alice"},
                                    {"status", "open"},
                                    {"amount", "10.5"},
                                    {"qty", "3"},
                                    {"price", "19.99"},
                                    {"created_at", "2025-01-01 10:00:00"},
                                    {"note", std::nullopt},
                                    {"flag", "true"}};
    return MakeRow(def_, kDefaults, cells);
  }

  // Whether `where` matches `row`; a compile failure fails the test.
  bool MRow(const std::string& where, const std::vector<Value>& row, SeqId seq = 100) {
    auto filter = Compile(where);
    if (!filter.ok()) {
      ADD_FAILURE() << where << ": " << filter.status().ToString();
      return false;
    }
    return filter->Matches(row, seq);
  }
  bool M(const std::string& where, const Cells& cells = {}) { return MRow(where, Row(cells)); }

  Status Error(const std::string& where) {
    auto filter = Compile(where);
    return filter.ok() ? Status::Ok() : filter.status();
  }

  TableDefinition def_ = OrdersTable();
};

Value TimestampValue(int64_t micros) { return Value::TIMESTAMP(duckdb::timestamp_t(micros)); }

TEST_F(RowFilterTest, NoWhereMatchesEverything) {
  auto filter = RowFilter::Compile(nullptr, def_, UserId("alice"));
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->matches_all());
  EXPECT_TRUE(filter->Matches(Row(), 1));
  EXPECT_TRUE(filter->Matches({}, 1));
  EXPECT_TRUE(RowFilter().matches_all());
}

TEST_F(RowFilterTest, ComparisonOperators) {
  EXPECT_TRUE(M("id = 1"));
  EXPECT_FALSE(M("id = 2"));
  EXPECT_TRUE(M("id <> 2"));
  EXPECT_FALSE(M("id <> 1"));
  EXPECT_TRUE(M("id != 2"));
  EXPECT_FALSE(M("id != 1"));
  EXPECT_TRUE(M("qty < 4"));
  EXPECT_FALSE(M("qty < 3"));
  EXPECT_TRUE(M("qty <= 3"));
  EXPECT_FALSE(M("qty <= 2"));
  EXPECT_TRUE(M("qty > 2"));
  EXPECT_FALSE(M("qty > 3"));
  EXPECT_TRUE(M("qty >= 3"));
  EXPECT_FALSE(M("qty >= 4"));
  EXPECT_TRUE(M("5 > qty"));  // literal on the left
  EXPECT_FALSE(M("3 > qty"));
  EXPECT_TRUE(M("status = 'open'"));
  EXPECT_FALSE(M("status = 'Open'"));
  EXPECT_TRUE(M("status > 'close' AND status < 'paid'"));
  EXPECT_TRUE(M("amount = 10.5"));
  EXPECT_TRUE(M("amount > 10.25"));
  EXPECT_FALSE(M("amount >= 10.51"));
  EXPECT_TRUE(M("price = 19.99"));
  EXPECT_TRUE(M("price > 19.989"));
  EXPECT_FALSE(M("price >= 19.991"));
  EXPECT_TRUE(M("flag = true"));
  EXPECT_FALSE(M("flag = false"));
  EXPECT_TRUE(M("flag"));
  EXPECT_FALSE(M("NOT flag"));
  EXPECT_TRUE(M("created_at = TIMESTAMP '2025-01-01 10:00:00'"));
  EXPECT_TRUE(M("user_id = status", {{"status", "alice"}}));  // two columns
  EXPECT_FALSE(M("user_id = status"));
  EXPECT_TRUE(M("qty < amount"));    // INT against DOUBLE
  EXPECT_TRUE(M("price > amount"));  // DECIMAL against DOUBLE
}

TEST_F(RowFilterTest, LiteralsAreCoercedToTheColumnType) {
  EXPECT_TRUE(M("id = '1'"));
  EXPECT_FALSE(M("id = '2'"));
  EXPECT_TRUE(M("'1' = id"));
  EXPECT_TRUE(M("id IN ('1', '2')"));
  EXPECT_TRUE(M("id BETWEEN '0' AND '5'"));
  EXPECT_TRUE(M("qty = '3'"));
  EXPECT_TRUE(M("price = '19.99'"));
  EXPECT_TRUE(M("amount = '10.5'"));
  EXPECT_TRUE(M("flag = 'true'"));
  EXPECT_TRUE(M("created_at > '2025-01-01'"));
  EXPECT_FALSE(M("created_at > '2025-01-02'"));
  EXPECT_TRUE(M("created_at = '2025-01-01T10:00:00Z'"));
  EXPECT_TRUE(M("created_at = '2025-01-01 12:00:00+02:00'"));  // an instant, stored as UTC
  EXPECT_TRUE(M("created_at > 1700000000000000"));             // integer µs
  EXPECT_FALSE(M("created_at < 1700000000000000"));
  EXPECT_TRUE(M("created_at = 1735725600000000"));
  EXPECT_TRUE(M("_seq > '50'"));
  // Numbers are compared exactly in their common type, not squeezed into the column's type.
  EXPECT_TRUE(M("qty > 2.5"));
  EXPECT_FALSE(M("qty > 3.5"));
  EXPECT_TRUE(M("qty = 3.0"));
  EXPECT_FALSE(M("qty = 3.01"));
  EXPECT_FALSE(M("price >= 19.991"));
  EXPECT_FALSE(M("qty = 99999999999"));  // out of INT range: no match, no error
}

TEST_F(RowFilterTest, CoercionFailuresAreInvalidArgument) {
  for (const char* where : {"status = 5", "id = 'abc'", "created_at > 'yesterday'", "qty IN (1, 'x')", "flag = 'maybe'",
                            "price BETWEEN 'a' AND 'b'"}) {
    const Status status = Error(where);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << where << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr("Type mismatch")) << where;
  }
  EXPECT_EQ(Error("status + 1 = 2").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("qty LIKE '3%'").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("created_at = flag").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("qty").code(), StatusCode::kInvalidArgument);  // not a predicate
  EXPECT_EQ(Error("qty AND flag").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("NOT status").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("-status = 'x'").code(), StatusCode::kInvalidArgument);
}

TEST_F(RowFilterTest, ThreeValuedLogic) {
  // note is NULL in the default row.
  EXPECT_FALSE(M("note = 'x'"));
  EXPECT_FALSE(M("NOT (note = 'x')"));
  EXPECT_FALSE(M("note <> 'x'"));
  EXPECT_TRUE(M("note = 'x' OR status = 'open'"));
  EXPECT_FALSE(M("note = 'x' OR status = 'closed'"));
  EXPECT_FALSE(M("NOT (note = 'x' OR status = 'closed')"));  // NOT NULL
  EXPECT_FALSE(M("note = 'x' AND status = 'open'"));
  EXPECT_TRUE(M("NOT (note = 'x' AND status = 'closed')"));  // NULL AND FALSE = FALSE
  EXPECT_FALSE(M("NOT (note = 'x' AND status = 'open')"));   // NULL AND TRUE = NULL
  EXPECT_FALSE(M("status <> NULL"));
  EXPECT_FALSE(M("NOT (status <> NULL)"));
  EXPECT_FALSE(M("status = NULL"));
  EXPECT_FALSE(M("NULL"));
  EXPECT_FALSE(M("NOT NULL"));
  EXPECT_TRUE(M("NULL IS NULL"));
  EXPECT_FALSE(M("qty + NULL > 0"));
  EXPECT_FALSE(M("NOT (qty + NULL > 0)"));
  EXPECT_TRUE(M("note = 'x'", {{"note", "x"}}));
  EXPECT_FALSE(M("flag", {{"flag", std::nullopt}}));
  EXPECT_FALSE(M("NOT flag", {{"flag", std::nullopt}}));
  EXPECT_TRUE(M("flag OR qty = 3", {{"flag", std::nullopt}}));
  EXPECT_FALSE(M("flag AND qty = 3", {{"flag", std::nullopt}}));
}

TEST_F(RowFilterTest, IsNullAndDistinctFrom) {
  EXPECT_TRUE(M("note IS NULL"));
  EXPECT_FALSE(M("note IS NOT NULL"));
  EXPECT_FALSE(M("note IS NULL", {{"note", "x"}}));
  EXPECT_TRUE(M("note IS NOT NULL", {{"note", "x"}}));
  EXPECT_TRUE(M("(qty + NULL) IS NULL"));
  EXPECT_TRUE(M("status IS DISTINCT FROM 'x'"));
  EXPECT_FALSE(M("status IS DISTINCT FROM 'open'"));
  EXPECT_TRUE(M("note IS DISTINCT FROM 'x'"));
  EXPECT_FALSE(M("note IS DISTINCT FROM NULL"));
  EXPECT_TRUE(M("note IS NOT DISTINCT FROM NULL"));
  EXPECT_TRUE(M("flag IS TRUE"));
  EXPECT_FALSE(M("flag IS NOT TRUE"));
  EXPECT_FALSE(M("flag IS TRUE", {{"flag", std::nullopt}}));
  EXPECT_TRUE(M("flag IS NOT TRUE", {{"flag", std::nullopt}}));
  EXPECT_TRUE(M("flag IS NOT FALSE", {{"flag", std::nullopt}}));
}

TEST_F(RowFilterTest, InAndNotIn) {
  EXPECT_TRUE(M("status IN ('open', 'paid')"));
  EXPECT_FALSE(M("status IN ('paid', 'shipped')"));
  EXPECT_TRUE(M("status NOT IN ('paid', 'shipped')"));
  EXPECT_FALSE(M("status NOT IN ('open', 'paid')"));
  EXPECT_TRUE(M("status IN ('open', NULL)"));
  EXPECT_FALSE(M("status IN ('paid', NULL)"));        // NULL
  EXPECT_FALSE(M("NOT (status IN ('paid', NULL))"));  // NOT NULL
  EXPECT_FALSE(M("status NOT IN ('paid', NULL)"));    // NULL
  EXPECT_FALSE(M("status NOT IN ('open', NULL)"));
  EXPECT_FALSE(M("note IN ('a', 'b')"));
  EXPECT_FALSE(M("note NOT IN ('a', 'b')"));
  EXPECT_FALSE(M("NULL IN (1, 2)"));
  EXPECT_TRUE(M("qty IN (1, 2, 3)"));
  EXPECT_TRUE(M("qty IN (2.5, 3.0)"));
  EXPECT_TRUE(M("qty IN (id + 2, 7)"));  // expressions in the list
  EXPECT_TRUE(M("3 IN (qty, id)"));
  EXPECT_TRUE(M("price IN (19.99, 5)"));
}

TEST_F(RowFilterTest, Between) {
  EXPECT_TRUE(M("qty BETWEEN 1 AND 3"));
  EXPECT_TRUE(M("qty BETWEEN 3 AND 3"));
  EXPECT_FALSE(M("qty BETWEEN 4 AND 10"));
  EXPECT_TRUE(M("qty NOT BETWEEN 4 AND 10"));
  EXPECT_FALSE(M("qty NOT BETWEEN 1 AND 3"));
  EXPECT_TRUE(M("created_at BETWEEN '2025-01-01' AND '2025-01-02'"));
  EXPECT_TRUE(M("price BETWEEN 19 AND 20.5"));
  EXPECT_FALSE(M("qty BETWEEN 4 AND NULL"));  // FALSE
  EXPECT_TRUE(M("NOT (qty BETWEEN 4 AND NULL)"));
  EXPECT_FALSE(M("qty BETWEEN 1 AND NULL"));  // NULL
  EXPECT_FALSE(M("NOT (qty BETWEEN 1 AND NULL)"));
  EXPECT_FALSE(M("note BETWEEN 'a' AND 'z'"));
  EXPECT_TRUE(M("_seq BETWEEN 90 AND 110"));
}

TEST_F(RowFilterTest, Like) {
  EXPECT_TRUE(M("status LIKE 'op%'"));
  EXPECT_TRUE(M("status LIKE 'o_en'"));
  EXPECT_TRUE(M("status LIKE '%en'"));
  EXPECT_TRUE(M("status LIKE '%pe%'"));
  EXPECT_TRUE(M("status LIKE 'open'"));
  EXPECT_TRUE(M("status LIKE '%'"));
  EXPECT_TRUE(M("status LIKE '____'"));
  EXPECT_FALSE(M("status LIKE '___'"));
  EXPECT_FALSE(M("status LIKE 'open_'"));
  EXPECT_FALSE(M("status LIKE 'OPEN'"));
  EXPECT_FALSE(M("status LIKE 'pen%'"));
  EXPECT_TRUE(M("status NOT LIKE 'x%'"));
  EXPECT_FALSE(M("status NOT LIKE 'o%'"));
  EXPECT_TRUE(M("status ILIKE 'OP%'"));
  EXPECT_FALSE(M("status NOT ILIKE 'OPEN'"));
  EXPECT_TRUE(M("status NOT ILIKE 'closed'"));
  // Backtracking over several candidate positions.
  EXPECT_TRUE(M("note LIKE '%abd'", {{"note", "abcabcabd"}}));
  EXPECT_TRUE(M("note LIKE 'a%b%d'", {{"note", "abcabcabd"}}));
  EXPECT_TRUE(M("note LIKE '%c_b%'", {{"note", "abcabcabd"}}));
  EXPECT_FALSE(M("note LIKE '%abc'", {{"note", "abcabcabd"}}));
  EXPECT_TRUE(M("note LIKE ''", {{"note", ""}}));
  EXPECT_TRUE(M("note LIKE '%%'", {{"note", ""}}));
  EXPECT_FALSE(M("note LIKE '_'", {{"note", ""}}));
  // `_` is one character, not one byte.
  EXPECT_TRUE(M("note LIKE 'h_llo'", {{"note", "h\xC3\xA9llo"}}));
  EXPECT_FALSE(M("note LIKE 'h__llo'", {{"note", "h\xC3\xA9llo"}}));
  const std::string lower_e_acute = "\xC3\xA9";
  const std::string upper_e_acute = "\xC3\x89";
  EXPECT_TRUE(M("note ILIKE '" + lower_e_acute + "cole'", {{"note", upper_e_acute + "COLE"}}));
  // Escapes: none by default (a backslash is an ordinary character), ESCAPE names one.
  EXPECT_TRUE(M("note LIKE '50!%!_off' ESCAPE '!'", {{"note", "50%_off"}}));
  EXPECT_FALSE(M("note LIKE '50!%!_off' ESCAPE '!'", {{"note", "50%xoff"}}));
  EXPECT_FALSE(M("note LIKE '50!%' ESCAPE '!'", {{"note", "500"}}));
  EXPECT_TRUE(M("note NOT LIKE '50!%' ESCAPE '!'", {{"note", "500"}}));
  EXPECT_TRUE(M("note LIKE '5!0%' ESCAPE '!'", {{"note", "500"}}));
  EXPECT_TRUE(M("note LIKE 'a!!b' ESCAPE '!'", {{"note", "a!b"}}));
  EXPECT_FALSE(M("note LIKE 'a!' ESCAPE '!'", {{"note", "a"}}));  // a trailing escape matches nothing
  EXPECT_FALSE(M("note LIKE 'a\\%'", {{"note", "a%"}}));
  EXPECT_TRUE(M("note LIKE 'a\\%'", {{"note", "a\\bc"}}));
  EXPECT_TRUE(M("note ILIKE 'A!%%' ESCAPE '!'", {{"note", "a%Z"}}));
  EXPECT_TRUE(M("note LIKE '50%' ESCAPE ''", {{"note", "500"}}));
  // NULL anywhere gives NULL.
  EXPECT_FALSE(M("note LIKE '%'"));
  EXPECT_FALSE(M("note NOT LIKE 'x'"));
  EXPECT_FALSE(M("status LIKE NULL"));
  EXPECT_FALSE(M("status NOT LIKE NULL"));
  // The pattern may be an expression.
  EXPECT_TRUE(M("user_id LIKE status", {{"status", "al%"}}));
  EXPECT_EQ(Error("status LIKE 'a' ESCAPE 'xy'").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(M("status LIKE 'open!!' ESCAPE '!'", {{"status", "open!"}}));
}

TEST_F(RowFilterTest, Arithmetic) {
  EXPECT_TRUE(M("qty + 1 = 4"));
  EXPECT_TRUE(M("qty - 5 = -2"));
  EXPECT_TRUE(M("qty * id * 2 = 6"));
  EXPECT_TRUE(M("qty + id * 2 = 5"));  // precedence
  EXPECT_TRUE(M("(qty + id) * 2 = 8"));
  EXPECT_TRUE(M("qty / 2 = 1.5"));  // `/` divides as DOUBLE
  EXPECT_TRUE(M("qty // 2 = 1"));   // `//` divides integers
  EXPECT_TRUE(M("-7 // 2 = -3"));
  EXPECT_TRUE(M("qty % 2 = 1"));
  EXPECT_TRUE(M("-qty % 2 = -1"));
  EXPECT_TRUE(M("-qty = -3"));
  EXPECT_TRUE(M("- (qty) < 0"));
  EXPECT_TRUE(M("+qty = 3"));
  EXPECT_TRUE(M("amount / 2 = 5.25"));
  EXPECT_TRUE(M("amount * 2 = 21"));
  EXPECT_TRUE(M("amount % 4 = 2.5"));
  EXPECT_TRUE(M("amount - qty = 7.5"));
  EXPECT_TRUE(M("price * qty = 59.97"));  // exact DECIMAL arithmetic
  EXPECT_TRUE(M("price * 2 = 39.98"));
  EXPECT_TRUE(M("price + 0.01 = 20"));
  EXPECT_TRUE(M("price - 0.99 = 19"));
  EXPECT_TRUE(M("price % 5 = 4.99"));
  EXPECT_TRUE(M("price / 2 > 9.99"));
  EXPECT_TRUE(M("price * amount > 209"));  // DECIMAL with DOUBLE is DOUBLE
  EXPECT_TRUE(M("0.1 + 0.2 = 0.3"));       // decimal literals stay exact
  EXPECT_TRUE(M("qty / 0 > 1000000"));     // DuckDB: x / 0 = infinity
  // Errors a query would raise (overflow, modulo by zero) make the row not match.
  EXPECT_FALSE(M("qty % 0 = 0"));
  EXPECT_FALSE(M("NOT (qty % 0 = 0)"));
  EXPECT_FALSE(M("qty // 0 = 0"));
  EXPECT_FALSE(M("id * 9223372036854775807 > 0", {{"id", "2"}}));
  EXPECT_FALSE(M("NOT (id * 9223372036854775807 > 0)", {{"id", "2"}}));
  EXPECT_TRUE(M("id * 9223372036854775807 > 0"));
  EXPECT_TRUE(M("id + 99999999999999999999 > 0"));  // a HUGEINT literal
}

TEST_F(RowFilterTest, CurrentUser) {
  EXPECT_TRUE(M("user_id = CURRENT_USER()"));
  EXPECT_TRUE(M("user_id = CURRENT_USER"));
  EXPECT_TRUE(M("user_id = current_user_id()"));
  EXPECT_FALSE(M("user_id = CURRENT_USER()", {{"user_id", "bob"}}));
  auto bobs = Compile("user_id = CURRENT_USER()", "bob");
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->Matches(Row({{"user_id", "bob"}}), 1));
  EXPECT_FALSE(bobs->Matches(Row(), 1));
}

TEST_F(RowFilterTest, NowAndIntervals) {
  const int64_t now = NowMicros();
  constexpr int64_t kMinute = 60'000'000;
  auto at = [&](int64_t micros) {
    std::vector<Value> row = Row();
    row[6] = TimestampValue(micros);
    return row;
  };
  const auto recent = at(now - 30 * kMinute);
  const auto old = at(now - 120 * kMinute);
  for (const char* where :
       {"created_at > NOW() - INTERVAL '1 hour'", "created_at > NOW() - INTERVAL 1 HOUR",
        "created_at > now() - INTERVAL '1' HOUR", "created_at > NOW() - INTERVAL 60 MINUTE",
        "created_at > NOW() - INTERVAL '90 minutes'", "created_at > CURRENT_TIMESTAMP - INTERVAL '1 hour'",
        "created_at + INTERVAL 1 HOUR > NOW()", "INTERVAL '1 hour' + created_at > NOW()",
        "NOW() - created_at < INTERVAL '1 hour'", "created_at >= NOW() - INTERVAL 3600 SECOND",
        "created_at > NOW() - INTERVAL 3600000 MILLISECOND"}) {
    EXPECT_TRUE(MRow(where, recent)) << where;
    EXPECT_FALSE(MRow(where, old)) << where;
  }
  EXPECT_TRUE(MRow("created_at > NOW() - INTERVAL 1 DAY", old));
  EXPECT_TRUE(MRow("created_at > NOW() - INTERVAL '1 month'", old));
  EXPECT_FALSE(MRow("created_at > NOW()", old));
  EXPECT_TRUE(MRow("CAST(created_at AS DATE) <= CURRENT_DATE", old));

  // NOW() is read at every evaluation, not at compile time.
  ManualClock clock;
  auto filter = CompileWhere("created_at > NOW()", def_, "alice", clock);
  ASSERT_TRUE(filter.ok());
  const auto soon = at(clock.NowMicros() + 200'000);
  EXPECT_TRUE(filter->Matches(soon, 1));
  clock.Advance(std::chrono::milliseconds(300));
  EXPECT_FALSE(filter->Matches(soon, 1));
}

TEST_F(RowFilterTest, TimestampArithmetic) {
  EXPECT_TRUE(M("created_at + INTERVAL '1 day' = '2025-01-02 10:00:00'"));
  EXPECT_TRUE(M("created_at - INTERVAL 1 HOUR = '2025-01-01 09:00:00'"));
  EXPECT_TRUE(M("created_at - INTERVAL '1 month' = '2024-12-01 10:00:00'"));
  EXPECT_TRUE(M("created_at + INTERVAL 2 WEEK = '2025-01-15 10:00:00'"));
  EXPECT_TRUE(M("created_at - INTERVAL '1 hour 30 minutes' = '2025-01-01 08:30:00'"));
  EXPECT_TRUE(M("created_at - TIMESTAMP '2024-12-31 10:00:00' = INTERVAL '1 day'"));
  EXPECT_TRUE(M("created_at - TIMESTAMP '2024-12-31 10:00:00' = INTERVAL '24 hours'"));
  EXPECT_TRUE(M("INTERVAL '30 days' = INTERVAL '1 month'"));
  EXPECT_TRUE(M("created_at > DATE '2024-12-31'"));
  EXPECT_TRUE(M("created_at < DATE '2024-12-31' + INTERVAL 3 DAY"));
  EXPECT_TRUE(M("created_at - INTERVAL (qty) HOUR = '2025-01-01 07:00:00'"));
  EXPECT_EQ(Error("created_at + 1 > NOW()").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Error("created_at * 2 > NOW()").code(), StatusCode::kInvalidArgument);
}

TEST_F(RowFilterTest, SeqColumn) {
  EXPECT_TRUE(MRow("_seq > 50", Row(), 100));
  EXPECT_FALSE(MRow("_seq > 100", Row(), 100));
  EXPECT_TRUE(MRow("_seq = 100", Row(), 100));
  EXPECT_TRUE(MRow("_seq >= 100", Row(), 100));
  EXPECT_TRUE(MRow("_SEQ IN (1, 100)", Row(), 100));
  EXPECT_TRUE(MRow("orders._seq = 274812739841990000", Row(), 274812739841990000));
  EXPECT_TRUE(MRow("_seq = '274812739841990000'", Row(), 274812739841990000));
  EXPECT_TRUE(MRow("_seq > 100 OR id = 1", Row(), 5));
  EXPECT_FALSE(MRow("_seq > 100 AND id = 1", Row(), 5));
}

TEST_F(RowFilterTest, ColumnNames) {
  EXPECT_TRUE(M("STATUS = 'open'"));
  EXPECT_TRUE(M("\"Status\" = 'open'"));
  EXPECT_TRUE(M("orders.status = 'open'"));
  EXPECT_TRUE(M("ORDERS.status = 'open'"));
  EXPECT_TRUE(M("shop.orders.status = 'open'"));
  const Status unknown = Error("nope = 1");
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(), "Column 'nope' does not exist");
  EXPECT_EQ(Error("status = 'a' AND Missing > 2").message(), "Column 'missing' does not exist");
  EXPECT_EQ(Error("other.status = 'open'").code(), StatusCode::kUnsupported);
  EXPECT_EQ(Error("other.orders.status = 'open'").code(), StatusCode::kUnsupported);
  EXPECT_EQ(Error("a.b.c.status = 'open'").code(), StatusCode::kUnsupported);
}

TEST_F(RowFilterTest, UnsupportedConstructs) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"id IN (SELECT 1)", "Subqueries"},
      {"EXISTS (SELECT 1)", "Subqueries"},
      {"id = (SELECT max(id) FROM shop.orders)", "Subqueries"},
      {"random() > 0.5", "random()"},
      {"upper(status) = 'OPEN'", "upper()"},
      {"CASE WHEN flag THEN 1 ELSE 0 END = 1", "CASE"},
      {"sum(qty) > 1", "sum()"},
      {"row_number() OVER () = 1", "Window"},
      {"id = $1", "Parameters"},
      {"status SIMILAR TO 'o.*'", "regexp_full_match()"},
      {"status GLOB 'o*'", "~~~()"},
      {"CURRENT_ROLE() = 'user'", "current_role()"},
      {"CAST(qty AS VARCHAR) = '3'", "CAST"},
      {"_deleted = false", "_deleted"},
  };
  for (const auto& [where, needle] : cases) {
    const Status status = Error(where);
    EXPECT_EQ(status.code(), StatusCode::kUnsupported) << where << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr(needle)) << where;
  }
}

TEST_F(RowFilterTest, ConstantsFold) {
  for (const char* where : {"1 = 1", "TRUE", "status = 'x' OR TRUE", "NOT FALSE", "'a' LIKE 'a%'", "2 BETWEEN 1 AND 3",
                            "INTERVAL 1 HOUR = INTERVAL '60 minutes'"}) {
    auto filter = Compile(where);
    ASSERT_TRUE(filter.ok()) << where;
    EXPECT_TRUE(filter->matches_all()) << where;
  }
  for (const char* where : {"1 = 0", "FALSE AND status = 'open'", "NULL = NULL"}) {
    auto filter = Compile(where);
    ASSERT_TRUE(filter.ok()) << where;
    EXPECT_FALSE(filter->matches_all()) << where;
    EXPECT_FALSE(filter->Matches(Row(), 1)) << where;
  }
  auto filter = Compile("status = 'open' AND 1 = 1");
  ASSERT_TRUE(filter.ok());
  EXPECT_FALSE(filter->matches_all());
  EXPECT_TRUE(filter->Matches(Row(), 1));
  EXPECT_FALSE(filter->Matches(Row({{"status", "paid"}}), 1));
  EXPECT_EQ(Error("1 = 'abc'").code(), StatusCode::kInvalidArgument);
}

TEST_F(RowFilterTest, Casts) {
  EXPECT_TRUE(M("CAST(qty AS DOUBLE) / 2 = 1.5"));
  EXPECT_TRUE(M("CAST(amount AS INTEGER) = 10"));  // 10.5 rounds half to even, as DuckDB
  EXPECT_TRUE(M("amount::BIGINT = 12", {{"amount", "11.5"}}));
  EXPECT_TRUE(M("CAST(price AS INTEGER) = 20"));  // decimals round half away from zero
  EXPECT_TRUE(M("CAST(price AS DECIMAL(5,1)) = 20.0"));
  EXPECT_TRUE(M("CAST(created_at AS DATE) = '2025-01-01'"));
  EXPECT_TRUE(M("CAST(created_at AS DATE) = DATE '2025-01-01'"));
  EXPECT_TRUE(M("status::TEXT = 'open'"));
  EXPECT_TRUE(M("CAST(flag AS INTEGER) = 1"));
  EXPECT_TRUE(M("CAST(qty AS BOOLEAN)"));
  EXPECT_FALSE(M("CAST(id * 1000 AS TINYINT) > 0"));  // out of range: NULL
  EXPECT_TRUE(M("CAST(amount AS FLOAT) > 10"));
  EXPECT_FALSE(M("CAST(amount AS FLOAT) > 0", {{"amount", "1e300"}}));  // out of FLOAT range: NULL
  EXPECT_TRUE(M("TRY_CAST('x' AS INTEGER) IS NULL"));
  EXPECT_TRUE(M("qty = CAST('3' AS INTEGER)"));
  EXPECT_EQ(Error("qty = CAST('x' AS INTEGER)").code(), StatusCode::kInvalidArgument);
}

TEST_F(RowFilterTest, OddColumnTypes) {
  const TableDefinition def = OddTypesTable();
  const Cells defaults = {{"f", "0.1"},       {"d", "2025-01-01"}, {"u", "0190f5a6-1c2b-7def-8abc-0123456789ab"},
                          {"j", "{\"a\":1}"}, {"b", "hi"},         {"dt", "2025-01-01T10:00:00Z"},
                          {"t", "10:30:00"},  {"s", "5"},          {"big", "12345678901234567890.1234"}};
  const std::vector<Value> row = MakeRow(def, defaults, {});
  auto m = [&](const std::string& where) {
    auto filter = CompileWhere(where, def, "alice");
    if (!filter.ok()) {
      ADD_FAILURE() << where << ": " << filter.status().ToString();
      return false;
    }
    return filter->Matches(row, 1);
  };
  EXPECT_TRUE(m("f = 0.1"));  // the literal is rounded to FLOAT, as DuckDB does
  EXPECT_TRUE(m("f > 0.09 AND f < 0.11"));
  EXPECT_TRUE(m("f * 10 > 0.9"));
  EXPECT_TRUE(m("d = '2025-01-01'"));
  EXPECT_TRUE(m("d = 20089"));  // integer days
  EXPECT_TRUE(m("d > '2024-12-31'"));
  EXPECT_TRUE(m("d + 1 = '2025-01-02'"));
  EXPECT_TRUE(m("d - 1 = DATE '2024-12-31'"));
  EXPECT_TRUE(m("d - DATE '2024-12-25' = 7"));
  EXPECT_TRUE(m("d + INTERVAL 1 HOUR = TIMESTAMP '2025-01-01 01:00:00'"));
  EXPECT_TRUE(m("d < TIMESTAMP '2025-01-01 00:00:01'"));
  EXPECT_TRUE(m("u = '0190f5a6-1c2b-7def-8abc-0123456789ab'"));
  EXPECT_TRUE(m("u > '0190f5a6-1c2b-7def-8abc-0123456789aa'"));
  EXPECT_TRUE(m("u < 'f190f5a6-1c2b-7def-8abc-0123456789aa'"));  // UUID order = text order
  EXPECT_TRUE(m("j = '{\"a\":1}'"));
  EXPECT_TRUE(m("j LIKE '%\"a\"%'"));
  EXPECT_TRUE(m("b = 'hi'"));
  EXPECT_TRUE(m("b < 'hj'"));
  EXPECT_TRUE(m("dt = '2025-01-01 10:00:00'"));
  EXPECT_TRUE(m("dt = 1735725600000000"));
  EXPECT_TRUE(m("dt > NOW() - INTERVAL '100 years'"));
  EXPECT_TRUE(m("t = '10:30:00'"));
  EXPECT_TRUE(m("t < '12:00:00'"));
  EXPECT_TRUE(m("s = 5"));
  EXPECT_TRUE(m("s + 100000 = 100005"));
  EXPECT_FALSE(m("s = 100000"));  // outside SMALLINT: no match, no error
  EXPECT_TRUE(m("big = 12345678901234567890.1234"));
  EXPECT_TRUE(m("big > 12345678901234567890.12339"));
  EXPECT_TRUE(m("big - 0.1234 = 12345678901234567890"));
  EXPECT_EQ(CompileWhere("u = 'not-a-uuid'", def, "alice").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(RowFilterTest, SpecialDoubles) {
  EXPECT_TRUE(M("amount > 1e308", {{"amount", "NaN"}}));  // DuckDB orders NaN above everything
  EXPECT_TRUE(M("amount = 'NaN'", {{"amount", "NaN"}}));
  EXPECT_TRUE(M("amount > 1e308", {{"amount", "Infinity"}}));
  EXPECT_TRUE(M("amount < 0", {{"amount", "-Infinity"}}));
}

TEST_F(RowFilterTest, ValuesOfTheWrongTypeReadAsNull) {
  std::vector<Value> row = Row();
  row[0] = Value("1");  // TEXT where BIGINT belongs
  EXPECT_FALSE(MRow("id = 1", row));
  EXPECT_TRUE(MRow("id IS NULL", row));
  std::vector<Value> short_row = Row();
  short_row.resize(3);
  EXPECT_TRUE(MRow("status = 'open'", short_row));
  EXPECT_TRUE(MRow("flag IS NULL", short_row));
}

TEST_F(RowFilterTest, CopiesShareTheCompiledFilter) {
  std::optional<RowFilter> copy;
  {
    auto filter = Compile("status IN ('open', 'paid') AND note LIKE 'x%' AND user_id = CURRENT_USER()");
    ASSERT_TRUE(filter.ok());
    RowFilter moved = std::move(filter).value();
    copy = moved;
  }
  EXPECT_TRUE(copy->Matches(Row({{"note", "xyz"}}), 1));
  EXPECT_FALSE(copy->Matches(Row({{"note", "abc"}}), 1));
  RowFilter assigned;
  assigned = *copy;
  EXPECT_FALSE(assigned.matches_all());
  EXPECT_TRUE(assigned.Matches(Row({{"note", "xyz"}, {"status", "paid"}}), 1));
}

TEST_F(RowFilterTest, ConcurrentEvaluation) {
  auto filter = Compile("(status = 'open' AND qty BETWEEN 1 AND 5 AND note ILIKE '%\xC3\xA9t\xC3\xA9%') OR id % 7 = 0");
  ASSERT_TRUE(filter.ok());
  std::vector<std::vector<Value>> rows;
  std::vector<bool> expected;
  for (int i = 1; i <= 50; ++i) {
    const bool open = i % 2 == 0;
    const bool summer = i % 3 == 0;
    rows.push_back(Row({{"id", std::to_string(i)},
                        {"status", open ? "open" : "paid"},
                        {"qty", std::to_string(i % 6)},
                        {"note", summer ? "un \xC3\x89T\xC3\x89 chaud" : "hiver"}}));
    expected.push_back((open && i % 6 >= 1 && i % 6 <= 5 && summer) || i % 7 == 0);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < rows.size(); ++i) {
          if (filter->Matches(rows[i], 1) != expected[i]) mismatches.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace kalam::live
