#include "kalam/commons/temp_dir.h"
#include "kalam/registry/storage_registry.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reopenable_registry_test.h"

namespace kalam::registry {
namespace {

using ::testing::ElementsAre;


StorageDefinition MakeStorage(std::string id, std::string base) {
  StorageDefinition def;
  def.id = StorageId(std::move(id));
  def.name = "Name of " + def.id.str();
  def.description = "desc";
  def.base_directory = std::move(base);
  def.config_json = R"({"k":1})";
  return def;
}

std::vector<std::string> Ids(const StorageRegistry& registry) {
  std::vector<std::string> out;
  for (const auto& def : registry.List()) out.push_back(def.id.str());
  return out;
}

class StorageRegistryTest : public ReopenableRegistryTest<StorageRegistry> {};

TEST_F(StorageRegistryTest, EmptyAtFirstOpen) {
  EXPECT_TRUE(registry_->List().empty());
  EXPECT_FALSE(registry_->Exists(StorageId("local")));
  EXPECT_FALSE(registry_->Find(StorageId("local")).has_value());
}

TEST_F(StorageRegistryTest, CreateFindListDropPersist) {
  StorageDefinition archive = MakeStorage("archive", "/mnt/archive");
  archive.credentials_json = R"({"secret":"s"})";
  archive.shared_tables_template = "s/{namespace}/{tableName}";
  archive.user_tables_template = "u/{namespace}/{tableName}/{userId}";
  ASSERT_TRUE(registry_->Create(archive).ok());
  ASSERT_TRUE(registry_->Create(MakeStorage("beta", "/b")).ok());

  Status dup = registry_->Create(MakeStorage("archive", "/other"));
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "Storage 'archive' already exists");

  auto found = registry_->Find(StorageId("archive"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->base_directory, "/mnt/archive");
  EXPECT_GT(found->created_at_us, 0);
  EXPECT_EQ(found->created_at_us, found->updated_at_us);
  EXPECT_THAT(Ids(*registry_), ElementsAre("archive", "beta"));

  Reopen();
  auto again = registry_->Find(StorageId("archive"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->name, "Name of archive");
  EXPECT_EQ(again->description, "desc");
  EXPECT_EQ(again->type, StorageType::kFilesystem);
  EXPECT_EQ(again->credentials_json, R"({"secret":"s"})");
  EXPECT_EQ(again->config_json, R"({"k":1})");
  EXPECT_EQ(again->shared_tables_template, "s/{namespace}/{tableName}");
  EXPECT_EQ(again->user_tables_template, "u/{namespace}/{tableName}/{userId}");
  EXPECT_EQ(again->created_at_us, found->created_at_us);

  ASSERT_TRUE(registry_->Drop(StorageId("beta")).ok());
  Status missing = registry_->Drop(StorageId("beta"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "Storage 'beta' does not exist");
  Reopen();
  EXPECT_THAT(Ids(*registry_), ElementsAre("archive"));
}

TEST_F(StorageRegistryTest, UpdateKeepsCreationTime) {
  ASSERT_TRUE(registry_->Create(MakeStorage("archive", "/a")).ok());
  const StorageDefinition before = *registry_->Find(StorageId("archive"));
  StorageDefinition changed = before;
  changed.name = "Renamed";
  changed.created_at_us = 1;  // ignored
  ASSERT_TRUE(registry_->Update(changed).ok());
  Reopen();
  const StorageDefinition after = *registry_->Find(StorageId("archive"));
  EXPECT_EQ(after.name, "Renamed");
  EXPECT_EQ(after.created_at_us, before.created_at_us);
  EXPECT_GT(after.updated_at_us, before.updated_at_us);

  Status missing = registry_->Update(MakeStorage("nope", "/n"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "Storage 'nope' does not exist");
}

TEST_F(StorageRegistryTest, BuiltInFollowsConfigurationButKeepsUserSettings) {
  StorageDefinition local = MakeStorage("local", "/data/storage");
  ASSERT_TRUE(registry_->EnsureBuiltIn(local).ok());
  const StorageDefinition first = *registry_->Find(StorageId("local"));
  EXPECT_EQ(first.base_directory, "/data/storage");
  EXPECT_GT(first.created_at_us, 0);

  // Renamed by an admin, then the server restarts with a moved data directory.
  StorageDefinition renamed = first;
  renamed.name = "Local disk";
  ASSERT_TRUE(registry_->Update(renamed).ok());
  Reopen();
  StorageDefinition moved = local;
  moved.base_directory = "/new/storage";
  moved.user_tables_template = "{namespace}/{tableName}/u/{userId}";
  ASSERT_TRUE(registry_->EnsureBuiltIn(moved).ok());
  Reopen();
  const StorageDefinition now = *registry_->Find(StorageId("local"));
  EXPECT_EQ(now.base_directory, "/new/storage");
  EXPECT_EQ(now.user_tables_template, "{namespace}/{tableName}/u/{userId}");
  EXPECT_EQ(now.name, "Local disk");
  EXPECT_EQ(now.created_at_us, first.created_at_us);

  // Nothing changed: nothing is written.
  ASSERT_TRUE(registry_->EnsureBuiltIn(moved).ok());
  EXPECT_EQ(registry_->Find(StorageId("local"))->updated_at_us, now.updated_at_us);
}

TEST_F(StorageRegistryTest, CodecRoundTripAndCorruption) {
  StorageDefinition def = MakeStorage("s3_prod", "s3://bucket/prefix");
  def.type = StorageType::kS3;
  def.credentials_json = "{}";
  def.created_at_us = 17;
  def.updated_at_us = 42;
  auto decoded = StorageRegistry::Decode(StorageRegistry::Encode(def));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->id.str(), "s3_prod");
  EXPECT_EQ(decoded->type, StorageType::kS3);
  EXPECT_EQ(decoded->base_directory, "s3://bucket/prefix");
  EXPECT_EQ(decoded->created_at_us, 17);
  EXPECT_EQ(decoded->updated_at_us, 42);

  const std::string bytes = StorageRegistry::Encode(def);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto cut = StorageRegistry::Decode(std::string_view(bytes).substr(0, n));
    EXPECT_EQ(cut.status().code(), StatusCode::kCorruption) << n;
  }
  std::string bad_format = bytes;
  bad_format[0] = 9;
  EXPECT_EQ(StorageRegistry::Decode(bad_format).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace kalam::registry
