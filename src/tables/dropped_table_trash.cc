#include "kalam/tables/dropped_table_trash.h"

#include <simdjson.h>

#include "kalam/commons/json_text.h"
#include "kalam/filestore/table_files.h"

namespace kalam::tables {

std::string CleanupTarget::ToJson() const {
  return "{\"table_id\":" + JsonQuote(table_id) + ",\"table_type\":" + JsonQuote(TableTypeName(type)) +
         ",\"table_number\":" + std::to_string(number) + ",\"storage_id\":" + JsonQuote(storage_id.str()) +
         ",\"table_dir\":" + JsonQuote(table_dir) + ",\"trash_dir\":" + JsonQuote(trash_dir) + "}";
}

Result<CleanupTarget> CleanupTarget::FromJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  std::string_view table_id, type, storage, table_dir, trash_dir;
  uint64_t number = 0;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || doc["table_id"].get(table_id) != simdjson::SUCCESS ||
      doc["table_type"].get(type) != simdjson::SUCCESS || doc["table_number"].get(number) != simdjson::SUCCESS ||
      doc["storage_id"].get(storage) != simdjson::SUCCESS || doc["table_dir"].get(table_dir) != simdjson::SUCCESS ||
      doc["trash_dir"].get(trash_dir) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "cleanup job parameters need table_id, table_type, table_number, storage_id, table_dir and trash_dir");
  }
  auto parsed_type = ParseTableType(type);
  if (!parsed_type) return Status::InvalidArgument("bad table_type in cleanup job parameters");
  CleanupTarget target;
  target.table_id = std::string(table_id);
  target.type = *parsed_type;
  target.number = static_cast<TableNumber>(number);
  target.storage_id = StorageId(std::string(storage));
  target.table_dir = std::string(table_dir);
  target.trash_dir = std::string(trash_dir);
  // The job deletes this path recursively: it must be a trash name DROP TABLE made.
  if (target.trash_dir != target.table_dir + "~dropped-" + std::to_string(target.number)) {
    return Status::InvalidArgument("cleanup job parameters: trash_dir does not match table_dir");
  }
  return target;
}

Status DroppedTableTrash::DropTableFiles(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  KALAM_ASSIGN_OR_RETURN(std::string table_dir, storage->TableRoot(def));
  catalog_.ForgetTable(def.number);
  // Only what KalamDB wrote: the base may be an operator's directory that held files before.
  return filestore::DeleteTableFiles(*storage->files, table_dir);
}

Result<CleanupTarget> DroppedTableTrash::ResolveCleanupTarget(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  CleanupTarget target;
  target.table_id = def.id.ToString();
  target.type = def.type;
  target.number = def.number;
  target.storage_id = def.options.storage_id;
  KALAM_ASSIGN_OR_RETURN(target.table_dir, storage->TableRoot(def));
  target.trash_dir = target.table_dir + "~dropped-" + std::to_string(def.number);
  return target;
}

Status DroppedTableTrash::DetachTableFiles(const CleanupTarget& target) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(target.storage_id));
  catalog_.ForgetTable(target.number);
  Status moved = storage->files->Rename(target.table_dir, target.trash_dir);
  if (!moved.ok() && moved.code() != StatusCode::kNotFound) return moved;
  return Status::Ok();
}

Result<JobOutcome> DroppedTableTrash::RunCleanup(const CleanupTarget& target) {
  catalog_.ForgetTable(target.number);
  auto storage = storages_.For(target.storage_id);
  if (!storage.ok()) {
    if (storage.status().code() == StatusCode::kNotFound) {
      return JobOutcome::Skipped("storage '" + target.storage_id.str() + "' no longer exists");
    }
    return storage.status();
  }
  filestore::FileBackend& files = *(*storage)->files;
  KALAM_ASSIGN_OR_RETURN(bool exists, files.Exists(target.trash_dir));
  if (!exists) return JobOutcome::Completed("No files left for table " + target.table_id);
  std::vector<std::string> kept;
  KALAM_RETURN_IF_ERROR(filestore::DeleteTableFiles(files, target.trash_dir, &kept));
  if (kept.empty()) return JobOutcome::Completed("Removed files of table " + target.table_id);
  // Files KalamDB did not write go back where they were, unless a new table took the place.
  KALAM_ASSIGN_OR_RETURN(bool taken, files.Exists(target.table_dir));
  std::string where = target.trash_dir;
  if (!taken && files.Rename(target.trash_dir, target.table_dir).ok()) where = target.table_dir;
  return JobOutcome::Completed("Removed files of table " + target.table_id + "; kept " +
                               std::to_string(kept.size()) + " file(s) KalamDB did not write in '" + where + "'");
}

Status DroppedTableTrash::DropScopeFiles(const TableDefinition& def, const std::string& scope) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope));
  std::lock_guard flush_lock(catalog_.ScopeMutex(def, scope));
  catalog_.ForgetScope(def, scope);
  return filestore::DeleteTableFiles(*storage->files, dir);
}

}  // namespace kalam::tables
