#include "backup_catalog.h"

#include <simdjson.h>

#include "kalam/auth/base64.h"
#include "kalam/auth/user_repository.h"
#include "kalam/commons/json_writer.h"
#include "kalam/commons/table_id_text.h"
#include "kalam/registry/catalog_codec.h"
#include "kalam/registry/storage_registry.h"

namespace kalam::core {
namespace {

constexpr int64_t kFormat = 1;

Status Invalid(std::string_view why) { return Status::InvalidArgument("Invalid catalog.json: " + std::string(why)); }

Result<std::string> DecodeBase64Field(simdjson::dom::element element) {
  std::string_view text;
  if (element.get(text) != simdjson::SUCCESS) return Invalid("a definition is not a string");
  auto bytes = auth::Base64Decode(text);
  if (!bytes) return Invalid("a definition is not base64");
  return std::move(*bytes);
}

}  // namespace

std::string BackupCatalog::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.StartObject().Key("format").Int(kFormat).Key("namespaces").StartArray();
  for (const NamespaceDefinition& ns : namespaces) {
    w.StartObject().Key("namespace_id").String(ns.id.str()).Key("created_at").Int(ns.created_at_us);
    w.Key("options").Raw(ns.options_json.empty() ? "{}" : ns.options_json).EndObject();
  }
  w.EndArray().Key("tables").StartArray();
  for (const std::vector<TableDefinition>& versions : tables) {
    const TableDefinition& current = versions.back();
    w.StartObject().Key("table_id").String(current.id.ToString());
    w.Key("table_type").String(TableTypeName(current.type));
    w.Key("storage_id").String(current.options.storage_id.str());
    w.Key("version").Uint(current.schema_version).Key("schema_versions").StartArray();
    for (const TableDefinition& version : versions) {
      w.String(auth::Base64Encode(registry::TableDefinitionCodec::Encode(version)));
    }
    w.EndArray().EndObject();
  }
  w.EndArray().Key("scopes").StartArray();
  for (const BackupScope& scope : scopes) {
    w.StartObject().Key("table_id").String(scope.table.ToString()).Key("user_id");
    if (scope.user_id) {
      w.String(*scope.user_id);
    } else {
      w.Null();
    }
    w.Key("dir").String(scope.dir).EndObject();
  }
  w.EndArray().Key("storages").StartArray();
  for (const StorageDefinition& storage : storages) {
    w.StartObject().Key("storage_id").String(storage.id.str());
    w.Key("definition").String(auth::Base64Encode(registry::StorageRegistry::Encode(storage))).EndObject();
  }
  w.EndArray().Key("users").StartArray();
  for (const UserRecord& user : users) {
    w.StartObject().Key("user_id").String(user.id.str()).Key("role").String(RoleName(user.role));
    w.Key("definition").String(auth::Base64Encode(auth::UserRepository::Encode(user))).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<BackupCatalog> BackupCatalog::FromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return Invalid("not a JSON object");
  int64_t format = 0;
  if (root["format"].get(format) != simdjson::SUCCESS || format != kFormat) return Invalid("unknown format");
  BackupCatalog out;
  simdjson::dom::array namespaces, tables, scopes, storages;
  if (root["namespaces"].get(namespaces) != simdjson::SUCCESS || root["tables"].get(tables) != simdjson::SUCCESS ||
      root["scopes"].get(scopes) != simdjson::SUCCESS || root["storages"].get(storages) != simdjson::SUCCESS) {
    return Invalid("namespaces, tables, scopes and storages are arrays");
  }
  for (auto element : namespaces) {
    std::string_view id;
    NamespaceDefinition ns;
    simdjson::dom::element options;
    if (element["namespace_id"].get(id) != simdjson::SUCCESS ||
        element["created_at"].get(ns.created_at_us) != simdjson::SUCCESS ||
        element["options"].get(options) != simdjson::SUCCESS) {
      return Invalid("a namespace needs namespace_id, created_at and options");
    }
    ns.id = NamespaceId(std::string(id));
    ns.options_json = simdjson::minify(options);
    out.namespaces.push_back(std::move(ns));
  }
  for (auto element : tables) {
    simdjson::dom::array encoded;
    if (element["schema_versions"].get(encoded) != simdjson::SUCCESS) return Invalid("a table needs schema_versions");
    std::vector<TableDefinition> versions;
    for (auto version : encoded) {
      KALAM_ASSIGN_OR_RETURN(std::string bytes, DecodeBase64Field(version));
      auto def = registry::TableDefinitionCodec::Decode(bytes);
      if (!def.ok()) return Invalid("a schema version does not decode: " + def.status().message());
      versions.push_back(std::move(def).value());
    }
    if (versions.empty()) return Invalid("a table has no schema version");
    out.tables.push_back(std::move(versions));
  }
  for (auto element : scopes) {
    std::string_view table, dir, user;
    std::optional<TableId> id;
    if (element["table_id"].get(table) != simdjson::SUCCESS || !(id = ParseTableId(table)) ||
        element["dir"].get(dir) != simdjson::SUCCESS) {
      return Invalid("a scope needs table_id and dir");
    }
    BackupScope scope{*id, std::nullopt, std::string(dir)};
    if (element["user_id"].get(user) == simdjson::SUCCESS) scope.user_id = std::string(user);
    out.scopes.push_back(std::move(scope));
  }
  for (auto element : storages) {
    simdjson::dom::element encoded;
    if (element["definition"].get(encoded) != simdjson::SUCCESS) return Invalid("a storage needs its definition");
    KALAM_ASSIGN_OR_RETURN(std::string bytes, DecodeBase64Field(encoded));
    auto def = registry::StorageRegistry::Decode(bytes);
    if (!def.ok()) return Invalid("a storage does not decode: " + def.status().message());
    out.storages.push_back(std::move(def).value());
  }
  simdjson::dom::array users;
  if (root["users"].get(users) == simdjson::SUCCESS) {
    for (auto element : users) {
      simdjson::dom::element encoded;
      if (element["definition"].get(encoded) != simdjson::SUCCESS) return Invalid("a user needs its definition");
      KALAM_ASSIGN_OR_RETURN(std::string bytes, DecodeBase64Field(encoded));
      auto user = auth::UserRepository::Decode(bytes);
      if (!user.ok()) return Invalid("a user does not decode: " + user.status().message());
      out.users.push_back(std::move(user).value());
    }
  }
  return out;
}

}  // namespace kalam::core
