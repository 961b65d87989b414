#include "kalam/commons/temp_dir.h"
#include "kalam/registry/schema_registry.h"

#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/clock.h"
#include "kalam/registry/catalog_codec.h"
#include "reopenable_registry_test.h"

namespace kalam::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;


ColumnDefinition Column(std::string name, DataType type, bool primary_key = false) {
  ColumnDefinition c;
  c.name = std::move(name);
  c.type = type;
  c.primary_key = primary_key;
  c.nullable = !primary_key;
  return c;
}

DataType T(TypeKind k) { return DataType{k, 0, 0}; }

// "prefix" followed by the decimal `n` (avoids a GCC 12 -Wrestrict false positive on
// "literal" + std::to_string()).
std::string Numbered(std::string_view prefix, size_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

TableDefinition MakeTable(std::string ns, std::string name, TableType type = TableType::kShared) {
  TableDefinition def;
  def.id = TableId{NamespaceId(std::move(ns)), TableName(std::move(name))};
  def.type = type;
  def.columns.push_back(Column("id", T(TypeKind::kBigInt), true));
  def.columns.push_back(Column("content", T(TypeKind::kText)));
  def.columns.push_back(Column("created", T(TypeKind::kTimestamp)));
  return def;
}

NamespaceDefinition MakeNamespace(std::string name, std::string options = "{}") {
  return NamespaceDefinition{NamespaceId(std::move(name)), NowMicros(), std::move(options)};
}

std::vector<std::string> NamespaceNames(const SchemaRegistry& registry) {
  std::vector<std::string> out;
  for (const auto& ns : registry.ListNamespaces()) out.push_back(ns.id.str());
  return out;
}

std::vector<std::string> TableNames(const std::vector<std::shared_ptr<const TableDefinition>>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) out.push_back(t->id.ToString());
  return out;
}

class SchemaRegistryTest : public ReopenableRegistryTest<SchemaRegistry> {
 protected:
  std::shared_ptr<const TableDefinition> Create(TableDefinition def) {
    auto created = registry_->CreateTable(std::move(def));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created.value() : nullptr;
  }
};

TEST_F(SchemaRegistryTest, DefaultNamespaceExistsAtFirstOpen) {
  EXPECT_TRUE(registry_->NamespaceExists(NamespaceId("default")));
  EXPECT_FALSE(registry_->NamespaceExists(NamespaceId("app")));
  auto namespaces = registry_->ListNamespaces();
  ASSERT_EQ(namespaces.size(), 1u);
  EXPECT_EQ(namespaces[0].id.str(), "default");
  EXPECT_EQ(namespaces[0].options_json, "{}");
  EXPECT_GT(namespaces[0].created_at_us, 0);
  EXPECT_LE(namespaces[0].created_at_us, NowMicros());
  EXPECT_THAT(registry_->ListTables(), IsEmpty());

  // Reopening keeps the one default namespace and its creation time.
  const int64_t created_at = namespaces[0].created_at_us;
  Reopen();
  auto again = registry_->ListNamespaces();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id.str(), "default");
  EXPECT_EQ(again[0].created_at_us, created_at);
}

TEST_F(SchemaRegistryTest, CreateAndDropNamespace) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app", R"({"team":"chat"})")).ok());
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("beta")).ok());
  EXPECT_TRUE(registry_->NamespaceExists(NamespaceId("app")));
  EXPECT_THAT(NamespaceNames(*registry_), ElementsAre("app", "beta", "default"));

  Status dup = registry_->CreateNamespace(MakeNamespace("app"));
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "Namespace 'app' already exists");
  Status dup_default = registry_->CreateNamespace(MakeNamespace("default"));
  EXPECT_EQ(dup_default.code(), StatusCode::kAlreadyExists);

  ASSERT_TRUE(registry_->DropNamespace(NamespaceId("beta")).ok());
  EXPECT_FALSE(registry_->NamespaceExists(NamespaceId("beta")));
  Status missing = registry_->DropNamespace(NamespaceId("beta"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "Namespace 'beta' does not exist");
  EXPECT_THAT(NamespaceNames(*registry_), ElementsAre("app", "default"));
}

TEST_F(SchemaRegistryTest, NamespacesPersistAcrossReopen) {
  const NamespaceDefinition app = MakeNamespace("app", R"({"k":1})");
  ASSERT_TRUE(registry_->CreateNamespace(app).ok());
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("gone")).ok());
  ASSERT_TRUE(registry_->DropNamespace(NamespaceId("gone")).ok());
  Reopen();
  EXPECT_THAT(NamespaceNames(*registry_), ElementsAre("app", "default"));
  auto namespaces = registry_->ListNamespaces();
  EXPECT_EQ(namespaces[0].options_json, R"({"k":1})");
  EXPECT_EQ(namespaces[0].created_at_us, app.created_at_us);
}

TEST_F(SchemaRegistryTest, CreateTableAssignsNumbersAndColumnIds) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  TableDefinition def = MakeTable("app", "messages", TableType::kUser);
  // Whatever the caller puts in, numbering is the registry's.
  def.number = 99;
  def.schema_version = 7;
  def.next_column_id = 50;
  def.columns[0].column_id = 10;
  def.columns[2].column_id = 3;
  def.comment = "chat history";
  def.options.flush_row_limit = 1000;
  const int64_t before = NowMicros();
  auto t1 = Create(def);
  ASSERT_NE(t1, nullptr);
  EXPECT_EQ(t1->number, 1u);
  EXPECT_EQ(t1->schema_version, 1u);
  ASSERT_EQ(t1->columns.size(), 3u);
  EXPECT_EQ(t1->columns[0].column_id, 1u);
  EXPECT_EQ(t1->columns[1].column_id, 2u);
  EXPECT_EQ(t1->columns[2].column_id, 3u);
  EXPECT_EQ(t1->columns[0].name, "id");
  EXPECT_EQ(t1->next_column_id, 4u);
  EXPECT_GE(t1->created_at_us, before);
  EXPECT_EQ(t1->created_at_us, t1->updated_at_us);
  EXPECT_EQ(t1->type, TableType::kUser);
  EXPECT_EQ(t1->comment, "chat history");
  EXPECT_EQ(t1->options.flush_row_limit, 1000u);

  auto t2 = Create(MakeTable("app", "other"));
  auto t3 = Create(MakeTable("default", "third"));
  ASSERT_NE(t2, nullptr);
  ASSERT_NE(t3, nullptr);
  EXPECT_EQ(t2->number, 2u);
  EXPECT_EQ(t3->number, 3u);

  // FindTable returns the stored snapshot.
  EXPECT_EQ(registry_->FindTable(t1->id), t1);
  EXPECT_EQ(registry_->FindTable(TableId{NamespaceId("app"), TableName("nope")}), nullptr);
  EXPECT_EQ(registry_->FindTable(TableId{NamespaceId("default"), TableName("messages")}), nullptr);
}

TEST_F(SchemaRegistryTest, CreateTableWithoutColumns) {
  TableDefinition def;
  def.id = TableId{NamespaceId("default"), TableName("empty")};
  auto t = Create(def);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->columns.empty());
  EXPECT_EQ(t->next_column_id, 1u);
}

TEST_F(SchemaRegistryTest, DuplicateTableIsAlreadyExists) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  ASSERT_NE(Create(MakeTable("app", "t")), nullptr);
  auto dup = registry_->CreateTable(MakeTable("app", "t", TableType::kStream));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "Table app.t already exists");
  // The failed attempt used no table number and left the original alone.
  EXPECT_EQ(registry_->FindTable(TableId{NamespaceId("app"), TableName("t")})->type, TableType::kShared);
  auto next = Create(MakeTable("app", "u"));
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->number, 2u);
  // The same name in another namespace is a different table.
  ASSERT_NE(Create(MakeTable("default", "t")), nullptr);
}

TEST_F(SchemaRegistryTest, MissingNamespaceIsNotFound) {
  auto created = registry_->CreateTable(MakeTable("nope", "t"));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(created.status().message(), HasSubstr("Create it first with CREATE NAMESPACE"));
  EXPECT_EQ(created.status().message(),
            "Namespace 'nope' does not exist. Create it first with CREATE NAMESPACE nope");
  EXPECT_THAT(registry_->ListTables(), IsEmpty());

  // A dropped namespace is missing too.
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("tmp")).ok());
  ASSERT_TRUE(registry_->DropNamespace(NamespaceId("tmp")).ok());
  EXPECT_EQ(registry_->CreateTable(MakeTable("tmp", "t")).status().code(), StatusCode::kNotFound);
}

TEST_F(SchemaRegistryTest, ListTablesIsSortedAndFilteredByNamespace) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("zeta")).ok());
  ASSERT_NE(Create(MakeTable("zeta", "a")), nullptr);
  ASSERT_NE(Create(MakeTable("app", "m")), nullptr);
  ASSERT_NE(Create(MakeTable("app", "b")), nullptr);
  ASSERT_NE(Create(MakeTable("default", "x")), nullptr);
  EXPECT_THAT(TableNames(registry_->ListTables()), ElementsAre("app.b", "app.m", "default.x", "zeta.a"));
  EXPECT_THAT(TableNames(registry_->ListTables(NamespaceId("app"))), ElementsAre("app.b", "app.m"));
  EXPECT_THAT(TableNames(registry_->ListTables(NamespaceId("zeta"))), ElementsAre("zeta.a"));
  EXPECT_THAT(registry_->ListTables(NamespaceId("none")), IsEmpty());
}

TEST_F(SchemaRegistryTest, SchemaHistory) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  auto t = Create(MakeTable("app", "t"));
  // A table whose name extends the first must not leak into its history.
  auto t2 = Create(MakeTable("app", "t2"));
  ASSERT_NE(t, nullptr);
  ASSERT_NE(t2, nullptr);

  auto history = registry_->SchemaHistory(t->id);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history.value().size(), 1u);
  const TableDefinition& v1 = history.value()[0];
  EXPECT_EQ(v1.id, t->id);
  EXPECT_EQ(v1.schema_version, 1u);
  EXPECT_EQ(v1.number, t->number);
  ASSERT_EQ(v1.columns.size(), 3u);
  EXPECT_EQ(v1.columns[2].name, "created");
  EXPECT_EQ(v1.columns[2].column_id, 3u);

  auto history2 = registry_->SchemaHistory(t2->id);
  ASSERT_TRUE(history2.ok());
  ASSERT_EQ(history2.value().size(), 1u);
  EXPECT_EQ(history2.value()[0].id.table_name.str(), "t2");

  auto none = registry_->SchemaHistory(TableId{NamespaceId("app"), TableName("missing")});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none.value(), IsEmpty());

  Reopen();
  auto reopened = registry_->SchemaHistory(t->id);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value().size(), 1u);
}

TEST_F(SchemaRegistryTest, AlterTableStoresTheNextVersionAndItsLayout) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  auto t = Create(MakeTable("app", "t"));
  ASSERT_NE(t, nullptr);
  TableDefinition next = *t;
  next.columns.erase(next.columns.begin() + 1);  // drop `content`
  ColumnDefinition added = Column("tokens", T(TypeKind::kInt));
  added.default_value = DefaultValue{DefaultValue::Kind::kLiteral, "0", false};
  added.column_id = next.next_column_id++;
  next.columns.push_back(added);
  auto altered = registry_->AlterTable(next);
  ASSERT_TRUE(altered.ok()) << altered.status().ToString();
  EXPECT_EQ((*altered)->schema_version, 2u);
  EXPECT_EQ(registry_->FindTable(t->id)->schema_version, 2u);
  // The same definition again is a lost race with the first ALTER: nothing is stored.
  EXPECT_EQ(registry_->AlterTable(next).status().code(), StatusCode::kInvalidOperation);

  for (int pass = 0; pass < 2; ++pass) {
    auto current = registry_->FindTable(t->id);
    ASSERT_NE(current, nullptr);
    EXPECT_EQ(current->schema_version, 2u);
    auto history = registry_->SchemaHistory(t->id);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 2u);
    // Both versions' layouts are known to readers, and what rows of version 1 read for the
    // column added in version 2.
    ASSERT_NE(current->lineage, nullptr);
    auto v1 = current->lineage->Find(1);
    ASSERT_NE(v1, nullptr);
    EXPECT_EQ(v1->columns.size(), 3u);
    EXPECT_TRUE(v1->Find(2).has_value());
    auto v2 = current->lineage->Find(2);
    ASSERT_NE(v2, nullptr);
    EXPECT_FALSE(v2->Find(2).has_value());
    EXPECT_TRUE(v2->Find(4).has_value());
    auto fill = current->lineage->FillFor(4, 1);
    ASSERT_TRUE(fill.has_value());
    EXPECT_EQ(fill->literal, "0");
    EXPECT_FALSE(current->lineage->FillFor(4, 2).has_value());
    Reopen();  // the lineage is rebuilt from the stored history
  }
}

TEST_F(SchemaRegistryTest, SetNamespaceOptions) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  ASSERT_TRUE(registry_->SetNamespaceOptions(NamespaceId("app"), R"({"k":1})").ok());
  EXPECT_EQ(registry_->SetNamespaceOptions(NamespaceId("nope"), "{}").code(), StatusCode::kNotFound);
  Reopen();
  for (const auto& ns : registry_->ListNamespaces()) {
    if (ns.id.str() == "app") {
      EXPECT_EQ(ns.options_json, R"({"k":1})");
    }
  }
}

TEST_F(SchemaRegistryTest, DropTable) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  auto t = Create(MakeTable("app", "t"));
  auto keep = Create(MakeTable("app", "t2"));
  ASSERT_NE(t, nullptr);
  ASSERT_NE(keep, nullptr);
  ASSERT_TRUE(registry_->DropTable(t->id).ok());
  EXPECT_EQ(registry_->FindTable(t->id), nullptr);
  EXPECT_THAT(TableNames(registry_->ListTables()), ElementsAre("app.t2"));
  auto history = registry_->SchemaHistory(t->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(history.value(), IsEmpty());
  auto kept_history = registry_->SchemaHistory(keep->id);
  ASSERT_TRUE(kept_history.ok());
  EXPECT_EQ(kept_history.value().size(), 1u);

  Status again = registry_->DropTable(t->id);
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "Table app.t does not exist");

  // A snapshot handed out before the drop stays valid for its holder.
  EXPECT_EQ(t->id.table_name.str(), "t");

  // The name can be used again, with a new number.
  auto recreated = Create(MakeTable("app", "t"));
  ASSERT_NE(recreated, nullptr);
  EXPECT_EQ(recreated->number, 3u);

  Reopen();
  EXPECT_THAT(TableNames(registry_->ListTables()), ElementsAre("app.t", "app.t2"));
  EXPECT_EQ(registry_->FindTable(t->id)->number, 3u);
}

TEST_F(SchemaRegistryTest, TablesPersistAndNumbersAreNeverReused) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  TableDefinition def = MakeTable("app", "a", TableType::kUser);
  def.options.flush_interval_seconds = 60;
  def.columns[1].default_value = DefaultValue{DefaultValue::Kind::kLiteral, "hi", true};
  def.columns[1].comment = "body";
  auto a = Create(def);
  auto b = Create(MakeTable("app", "b"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->number, 2u);
  // Drop the newest table: its number must not come back after a restart.
  ASSERT_TRUE(registry_->DropTable(b->id).ok());

  Reopen();
  auto loaded = registry_->FindTable(a->id);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->number, 1u);
  EXPECT_EQ(loaded->type, TableType::kUser);
  EXPECT_EQ(loaded->created_at_us, a->created_at_us);
  EXPECT_EQ(loaded->options.flush_interval_seconds, 60u);
  EXPECT_FALSE(loaded->options.flush_row_limit.has_value());
  ASSERT_EQ(loaded->columns.size(), 3u);
  EXPECT_TRUE(loaded->columns[0].primary_key);
  EXPECT_FALSE(loaded->columns[0].nullable);
  EXPECT_EQ(loaded->columns[1].default_value, a->columns[1].default_value);
  EXPECT_EQ(loaded->columns[1].comment, "body");
  EXPECT_EQ(registry_->FindTable(b->id), nullptr);

  auto c = Create(MakeTable("app", "c"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->number, 3u);
  ASSERT_TRUE(registry_->DropTable(c->id).ok());
  Reopen();
  auto d = Create(MakeTable("app", "d"));
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->number, 4u);
  Reopen();
  auto e = Create(MakeTable("app", "b"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->number, 5u);
}

TEST_F(SchemaRegistryTest, ConcurrentCreatesGetDistinctNumbers) {
  ASSERT_TRUE(registry_->CreateNamespace(MakeNamespace("app")).ok());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::vector<TableNumber>> numbers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto created = registry_->CreateTable(MakeTable("app", Numbered(Numbered("t", t) + "_", i)));
        if (created.ok()) numbers[t].push_back(created.value()->number);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<TableNumber> all;
  for (const auto& v : numbers) {
    EXPECT_EQ(v.size(), size_t{kPerThread});
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), TableNumber{kThreads * kPerThread});
  EXPECT_EQ(registry_->ListTables(NamespaceId("app")).size(), size_t{kThreads * kPerThread});
}

// ---------------------------------------------------------------------------------------
// Codecs

TableDefinition EveryTypeTable() {
  TableDefinition def;
  def.id = TableId{NamespaceId("app"), TableName("every_type")};
  def.number = 4000000000u;
  def.type = TableType::kShared;
  def.schema_version = 12;
  def.next_column_id = 300;
  def.comment = "all types\n\"quoted\"";
  def.created_at_us = -5;  // before 1970 still round-trips
  def.updated_at_us = 1761645600000000;
  def.options.flush_row_limit = 999999;
  def.options.flush_interval_seconds = 86399;
  def.options.storage_id = StorageId("s3_main");
  def.options.access_level = AccessLevel::kRestricted;
  def.options.deleted_retention_hours = 0;
  def.options.ttl_seconds = 3600;
  def.options.max_buffer = 70000;

  const std::vector<DataType> types = {
      T(TypeKind::kBoolean), T(TypeKind::kSmallInt), T(TypeKind::kInt),      T(TypeKind::kBigInt),
      T(TypeKind::kFloat),   T(TypeKind::kDouble),   DataType{TypeKind::kDecimal, 10, 2},
      DataType{TypeKind::kDecimal, 38, 5},           T(TypeKind::kText),     T(TypeKind::kBytes),
      T(TypeKind::kJson),    T(TypeKind::kTimestamp), T(TypeKind::kDateTime), T(TypeKind::kDate),
      T(TypeKind::kTime),    T(TypeKind::kUuid)};
  const std::vector<std::optional<DefaultValue>> defaults = {
      std::nullopt,
      DefaultValue{DefaultValue::Kind::kNull, "", false},
      DefaultValue{DefaultValue::Kind::kLiteral, "42", false},
      DefaultValue{DefaultValue::Kind::kSnowflakeId, "", false},
      DefaultValue{DefaultValue::Kind::kLiteral, "1.5", false},
      std::nullopt,
      DefaultValue{DefaultValue::Kind::kLiteral, "200.75", false},
      std::nullopt,
      DefaultValue{DefaultValue::Kind::kLiteral, "it's", true},
      std::nullopt,
      DefaultValue{DefaultValue::Kind::kLiteral, "{}", true},
      DefaultValue{DefaultValue::Kind::kNow, "", false},
      DefaultValue{DefaultValue::Kind::kNow, "", false},
      std::nullopt,
      std::nullopt,
      DefaultValue{DefaultValue::Kind::kUuidV7, "", false}};
  for (size_t i = 0; i < types.size(); ++i) {
    ColumnDefinition c;
    c.column_id = static_cast<uint32_t>(100 + i * 13);
    c.name = Numbered("c", i);
    c.type = types[i];
    c.nullable = i % 2 == 0;
    c.primary_key = i == 3;
    c.default_value = defaults[i];
    c.comment = i % 3 == 0 ? Numbered("comment ", i) : "";
    def.columns.push_back(std::move(c));
  }
  ColumnDefinition user;
  user.column_id = 299;
  user.name = "owner";
  user.default_value = DefaultValue{DefaultValue::Kind::kCurrentUser, "", false};
  def.columns.push_back(user);
  ColumnDefinition ulid;
  ulid.column_id = 298;
  ulid.name = "ulid";
  ulid.default_value = DefaultValue{DefaultValue::Kind::kUlid, "", false};
  def.columns.push_back(ulid);
  return def;
}

void ExpectSameTable(const TableDefinition& a, const TableDefinition& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.next_column_id, b.next_column_id);
  EXPECT_EQ(a.comment, b.comment);
  EXPECT_EQ(a.created_at_us, b.created_at_us);
  EXPECT_EQ(a.updated_at_us, b.updated_at_us);
  EXPECT_EQ(a.options.flush_row_limit, b.options.flush_row_limit);
  EXPECT_EQ(a.options.flush_interval_seconds, b.options.flush_interval_seconds);
  EXPECT_EQ(a.options.storage_id, b.options.storage_id);
  EXPECT_EQ(a.options.access_level, b.options.access_level);
  EXPECT_EQ(a.options.deleted_retention_hours, b.options.deleted_retention_hours);
  EXPECT_EQ(a.options.ttl_seconds, b.options.ttl_seconds);
  EXPECT_EQ(a.options.max_buffer, b.options.max_buffer);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const ColumnDefinition& x = a.columns[i];
    const ColumnDefinition& y = b.columns[i];
    EXPECT_EQ(x.column_id, y.column_id) << i;
    EXPECT_EQ(x.name, y.name) << i;
    EXPECT_EQ(x.type, y.type) << i;
    EXPECT_EQ(x.nullable, y.nullable) << i;
    EXPECT_EQ(x.primary_key, y.primary_key) << i;
    EXPECT_EQ(x.default_value, y.default_value) << i;
    EXPECT_EQ(x.comment, y.comment) << i;
  }
}

TEST(CatalogCodecTest, TableDefinitionRoundTripsEveryTypeKind) {
  const TableDefinition def = EveryTypeTable();
  const std::string bytes = TableDefinitionCodec::Encode(def);
  auto decoded = TableDefinitionCodec::Decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ExpectSameTable(def, decoded.value());
  // Encoding is deterministic.
  EXPECT_EQ(TableDefinitionCodec::Encode(decoded.value()), bytes);
}

TEST(CatalogCodecTest, TableOptionsRoundTripPerTableType) {
  for (TableType type : {TableType::kUser, TableType::kShared, TableType::kStream}) {
    for (AccessLevel level : {AccessLevel::kPublic, AccessLevel::kPrivate, AccessLevel::kRestricted, AccessLevel::kDba}) {
      TableDefinition def = MakeTable("ns", "t", type);
      def.options.access_level = level;
      def.options.flush_row_limit.reset();
      def.options.flush_interval_seconds.reset();
      auto decoded = TableDefinitionCodec::Decode(TableDefinitionCodec::Encode(def));
      ASSERT_TRUE(decoded.ok());
      ExpectSameTable(def, decoded.value());
    }
  }
  // Zero-valued flush triggers are distinct from unset ones.
  TableDefinition zero = MakeTable("ns", "z");
  zero.options.flush_row_limit = 0;
  auto decoded = TableDefinitionCodec::Decode(TableDefinitionCodec::Encode(zero));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value().options.flush_row_limit, 0u);
  EXPECT_FALSE(decoded.value().options.flush_interval_seconds.has_value());
}

TEST(CatalogCodecTest, TruncatedOrUnknownTableRecordsAreCorruption) {
  const std::string bytes = TableDefinitionCodec::Encode(EveryTypeTable());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = TableDefinitionCodec::Decode(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
  std::string wrong_format = bytes;
  wrong_format[0] = 9;
  auto decoded = TableDefinitionCodec::Decode(wrong_format);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().message(), "unknown table record format");
  EXPECT_EQ(TableDefinitionCodec::Decode("").status().code(), StatusCode::kCorruption);
}

TEST(CatalogCodecTest, NamespaceRoundTrip) {
  const NamespaceDefinition def{NamespaceId("app"), 1761645600123456, R"({"a":[1,2],"b":"x"})"};
  const std::string bytes = NamespaceDefinitionCodec::Encode(def);
  auto decoded = NamespaceDefinitionCodec::Decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded.value().id, def.id);
  EXPECT_EQ(decoded.value().created_at_us, def.created_at_us);
  EXPECT_EQ(decoded.value().options_json, def.options_json);

  for (size_t n = 0; n < bytes.size(); ++n) {
    auto truncated = NamespaceDefinitionCodec::Decode(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(truncated.ok()) << n;
    EXPECT_EQ(truncated.status().code(), StatusCode::kCorruption);
  }
  std::string wrong = bytes;
  wrong[0] = 2;
  EXPECT_EQ(NamespaceDefinitionCodec::Decode(wrong).status().message(), "unknown namespace record format");
}

TEST_F(SchemaRegistryTest, CorruptCatalogRecordFailsOpen) {
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "tbl/app.bad", "\x07junk").ok());
  registry_.reset();
  auto reopened = SchemaRegistry::Open(*backend_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
}

// RESTORE's import: numbers reserved first are never handed out again, the namespace, every
// schema version and the extra writes land together, and a clash writes nothing.
TEST_F(SchemaRegistryTest, ImportNamespaceKeepsVersionsAndWritesAtomically) {
  auto existing = registry_->CreateTable(MakeTable("default", "t"));
  ASSERT_TRUE(existing.ok());
  auto first = registry_->ReserveTableNumbers(1);
  ASSERT_TRUE(first.ok());
  EXPECT_GT(*first, (*existing)->number);
  TableDefinition v1 = MakeTable("app", "messages", TableType::kUser);
  v1.number = *first;
  for (size_t i = 0; i < v1.columns.size(); ++i) v1.columns[i].column_id = static_cast<uint32_t>(i + 1);
  v1.next_column_id = 4;
  TableDefinition v2 = v1;
  v2.schema_version = 2;
  v2.columns.push_back(Column("lang", T(TypeKind::kText)));
  v2.columns.back().column_id = 4;
  v2.next_column_id = 5;
  store::WriteBatch extra;
  extra.Put(store::Partition::kMeta, "test/extra", "1");
  auto imported = registry_->ImportNamespace(MakeNamespace("app"), {{v1, v2}}, std::move(extra));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  Reopen();
  auto def = registry_->FindTable(TableId{NamespaceId("app"), TableName("messages")});
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->number, *first);
  EXPECT_EQ(def->schema_version, 2u);
  EXPECT_EQ(def->columns.back().column_id, 4u);
  auto history = registry_->SchemaHistory(def->id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 2u);
  auto extra_written = backend_->Get(store::Partition::kMeta, "test/extra");
  ASSERT_TRUE(extra_written.ok());
  EXPECT_TRUE(extra_written.value().has_value());
  // A table created now gets a number past the reserved one.
  auto later = registry_->CreateTable(MakeTable("default", "u"));
  ASSERT_TRUE(later.ok());
  EXPECT_GT((*later)->number, *first);
  // The namespace exists now: a second import writes nothing, not even its extra writes.
  store::WriteBatch again;
  again.Put(store::Partition::kMeta, "test/again", "1");
  EXPECT_EQ(registry_->ImportNamespace(MakeNamespace("app"), {{v1}}, std::move(again)).status().code(),
            StatusCode::kAlreadyExists);
  auto again_written = backend_->Get(store::Partition::kMeta, "test/again");
  ASSERT_TRUE(again_written.ok());
  EXPECT_FALSE(again_written.value().has_value());
}

}  // namespace
}  // namespace kalam::registry
