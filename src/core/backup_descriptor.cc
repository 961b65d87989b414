#include "backup_descriptor.h"

#include <simdjson.h>

#include "kalam/commons/json_writer.h"
#include "kalam/commons/table_id_text.h"

namespace kalam::core {
namespace {

Status Invalid(std::string_view why) { return Status::InvalidArgument("Invalid backup.json: " + std::string(why)); }

}  // namespace

std::string BackupDescriptor::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.StartObject().Key("format").Int(kFormat);
  w.Key("kind").String(kind == BackupKind::kServer ? "server" : "namespace");
  w.Key("namespace");
  if (namespace_id) {
    w.String(namespace_id->str());
  } else {
    w.Null();
  }
  w.Key("created_at").Int(created_at_us);
  w.Key("snapshot_seq").String(std::to_string(snapshot_seq));
  w.Key("tables").StartArray();
  for (const TableId& id : tables) w.String(id.ToString());
  w.EndArray();
  w.Key("files").StartArray();
  for (const BackupFile& file : files) {
    w.StartObject().Key("path").String(file.path).Key("size").Uint(file.digest.size);
    w.Key("sha256").String(file.digest.sha256).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<BackupDescriptor> BackupDescriptor::FromJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return Invalid("not a JSON object");
  int64_t format = 0;
  if (root["format"].get(format) != simdjson::SUCCESS) return Invalid("no format");
  if (format != kFormat) return Invalid("unknown format " + std::to_string(format));
  BackupDescriptor out;
  std::string_view kind;
  if (root["kind"].get(kind) != simdjson::SUCCESS || (kind != "server" && kind != "namespace")) {
    return Invalid("kind must be \"namespace\" or \"server\"");
  }
  out.kind = kind == "server" ? BackupKind::kServer : BackupKind::kNamespace;
  std::string_view ns;
  if (root["namespace"].get(ns) == simdjson::SUCCESS) out.namespace_id = NamespaceId(std::string(ns));
  if (out.kind == BackupKind::kNamespace && !out.namespace_id) return Invalid("a namespace backup names its namespace");
  if (root["created_at"].get(out.created_at_us) != simdjson::SUCCESS) return Invalid("no created_at");
  std::string_view seq;
  if (root["snapshot_seq"].get(seq) != simdjson::SUCCESS) return Invalid("no snapshot_seq");
  try {
    out.snapshot_seq = std::stoll(std::string(seq));
  } catch (const std::exception&) {
    return Invalid("snapshot_seq is not a number");
  }
  simdjson::dom::array tables, files;
  if (root["tables"].get(tables) != simdjson::SUCCESS) return Invalid("no tables");
  for (auto element : tables) {
    std::string_view text;
    std::optional<TableId> id;
    if (element.get(text) != simdjson::SUCCESS || !(id = ParseTableId(text))) return Invalid("bad table id");
    out.tables.push_back(*id);
  }
  if (root["files"].get(files) != simdjson::SUCCESS) return Invalid("no files");
  for (auto element : files) {
    std::string_view path, sha;
    uint64_t size = 0;
    if (element["path"].get(path) != simdjson::SUCCESS || element["size"].get(size) != simdjson::SUCCESS ||
        element["sha256"].get(sha) != simdjson::SUCCESS) {
      return Invalid("a file needs path, size and sha256");
    }
    out.files.push_back(BackupFile{std::string(path), filestore::FileDigest{size, std::string(sha)}});
  }
  return out;
}

}  // namespace kalam::core
