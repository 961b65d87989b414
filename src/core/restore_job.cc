#include "restore_job.h"

#include <shared_mutex>

#include "backup_catalog.h"
#include "backup_descriptor.h"
#include "backup_paths.h"
#include "kalam/commons/failpoint.h"
#include "kalam/commons/names.h"
#include "kalam/filestore/file_digest.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/table_files.h"
#include "kalam/tables/index_rebuild.h"

namespace kalam::core {
namespace {

bool Cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }

// Every file the descriptor lists, checked before anything is written.
Status VerifyChecksums(filestore::LocalFileBackend& source, const BackupDescriptor& descriptor) {
  for (const BackupFile& file : descriptor.files) {
    const Status path_ok = filestore::ValidateRelativePath(file.path);
    if (!path_ok.ok()) return Status::InvalidArgument("Invalid backup.json: bad file path '" + file.path + "'");
    auto digest = filestore::DigestLocalFile(source.AbsolutePath(file.path));
    if (!digest.ok()) {
      if (digest.status().code() == StatusCode::kNotFound) return Status::NotFound("Backup file missing: " + file.path);
      return digest.status();
    }
    if (*digest != file.digest) return Status::InvalidArgument("Checksum mismatch: " + file.path);
  }
  return Status::Ok();
}

// One scope directory the restore copied: removed when the restore fails before its commit
// point; its segment files feed the rebuilt index.
struct CopiedDir {
  std::shared_ptr<const tables::OpenStorage> storage;
  std::string dir;
  size_t table = 0;  // index into the restored tables
  std::string scope;
  std::vector<std::string> local_paths;
};

class NamespaceRestorer {
 public:
  NamespaceRestorer(EngineContext& engine, filestore::LocalFileBackend& source, const std::atomic<bool>* cancel)
      : engine_(engine), source_(source), cancel_(cancel) {}

  Result<JobOutcome> Run(const NamespaceId& ns, const BackupDescriptor& descriptor, const std::string& directory) {
    KALAM_ASSIGN_OR_RETURN(std::string catalog_json, source_.Read(kBackupCatalogFile));
    KALAM_ASSIGN_OR_RETURN(BackupCatalog catalog, BackupCatalog::FromJson(catalog_json));
    std::optional<NamespaceDefinition> ns_def;
    for (const NamespaceDefinition& candidate : catalog.namespaces) {
      if (candidate.id == ns) ns_def = candidate;
    }
    if (!ns_def) return Status::NotFound("Backup in '" + directory + "' has no namespace '" + ns.str() + "'");
    if (engine_.registry->NamespaceExists(ns)) {
      return Status::AlreadyExists("Namespace '" + ns.str() + "' already exists; drop it before restoring it");
    }
    std::vector<std::vector<TableDefinition>> tables;
    for (std::vector<TableDefinition>& versions : catalog.tables) {
      if (versions.back().id.namespace_id != ns) continue;
      // A storage this server lacks becomes `local`, in every version.
      if (!engine_.storages->Exists(versions.back().options.storage_id)) {
        for (TableDefinition& v : versions) v.options.storage_id = TableOptions{}.storage_id;
      }
      tables.push_back(std::move(versions));
    }

    // Storages stay put from the copies until the catalog names the tables.
    std::shared_lock storage_lock(engine_.storage_ddl_mu);
    uint64_t files = 0;
    Status copied = CopyScopes(catalog, tables, &files);
    if (copied.ok()) copied = CheckStepFailpoint(Failpoint::kRestoreFilesCopied);
    if (!copied.ok()) {
      RemoveCopies();
      return copied;
    }
    auto imported = Commit(*ns_def, std::move(tables));
    if (!imported.ok()) {
      RemoveCopies();
      return imported.status();
    }
    for (const auto& def : *imported) engine_.cold->catalog().ForgetTable(def->number);
    engine_.seq.AdvancePast(descriptor.snapshot_seq);
    return JobOutcome::Completed("Restored namespace '" + ns.str() + "' with " + std::to_string(imported->size()) +
                                 " table(s) and " + std::to_string(files) + " segment(s) as of _seq " +
                                 std::to_string(descriptor.snapshot_seq) + " from '" + directory + "'");
  }

 private:
  // Table numbers, the rows' index entries and the catalog records, in one atomic write.
  Result<std::vector<std::shared_ptr<const TableDefinition>>> Commit(const NamespaceDefinition& ns,
                                                                     std::vector<std::vector<TableDefinition>> tables) {
    KALAM_ASSIGN_OR_RETURN(TableNumber first, engine_.registry->ReserveTableNumbers(static_cast<uint32_t>(tables.size())));
    for (size_t i = 0; i < tables.size(); ++i) {
      for (TableDefinition& version : tables[i]) version.number = first + static_cast<TableNumber>(i);
    }
    store::WriteBatch batch;
    auto con = engine_.cold->Connect();
    for (const CopiedDir& copy : copies_) {
      KALAM_RETURN_IF_ERROR(
          tables::StageIndexFromSegments(*con, tables[copy.table].back(), copy.scope, copy.local_paths, batch).status());
    }
    return engine_.registry->ImportNamespace(ns, std::move(tables), std::move(batch));
  }

  Status CopyScopes(const BackupCatalog& catalog, const std::vector<std::vector<TableDefinition>>& tables,
                    uint64_t* files) {
    for (size_t t = 0; t < tables.size(); ++t) {
      const TableDefinition& def = tables[t].back();
      if (def.type == TableType::kStream) continue;
      KALAM_ASSIGN_OR_RETURN(auto storage, engine_.cold->storages().For(def));
      // Leftovers of an attempt that crashed before its commit point (no table names them).
      KALAM_ASSIGN_OR_RETURN(std::string root, storage->TableRoot(def));
      KALAM_RETURN_IF_ERROR(filestore::DeleteTableFiles(*storage->files, root));
      for (const BackupScope& scope : catalog.scopes) {
        if (scope.table != def.id) continue;
        if (Cancelled(cancel_)) return Status::InvalidOperation("cancelled");
        KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope.user_id.value_or("")));
        copies_.push_back(CopiedDir{storage, dir, t, scope.user_id.value_or(""), {}});
        KALAM_ASSIGN_OR_RETURN(filestore::Manifest manifest, filestore::LoadManifest(source_, scope.dir));
        manifest.table_id = def.id.ToString();
        for (const filestore::Segment& segment : manifest.segments) {
          const std::string target = filestore::JoinPath(dir, segment.path);
          KALAM_RETURN_IF_ERROR(filestore::CopyLocalFileInto(source_.AbsolutePath(filestore::JoinPath(scope.dir, segment.path)),
                                                             *storage->files, target)
                                    .status());
          KALAM_ASSIGN_OR_RETURN(std::string local, storage->files->LocalReadPath(target));
          copies_.back().local_paths.push_back(std::move(local));
          ++*files;
        }
        manifest.version = 0;
        KALAM_RETURN_IF_ERROR(filestore::SaveManifest(*storage->files, dir, manifest));
      }
    }
    return Status::Ok();
  }

  void RemoveCopies() {
    for (const CopiedDir& copy : copies_) (void)filestore::DeleteTableFiles(*copy.storage->files, copy.dir);
  }

  EngineContext& engine_;
  filestore::LocalFileBackend& source_;
  const std::atomic<bool>* cancel_;
  std::vector<CopiedDir> copies_;
};

}  // namespace

Result<JobOutcome> RestoreJob::Run(EngineContext& engine, const BackupJobParams& params,
                                   const std::atomic<bool>* cancel) {
  KALAM_ASSIGN_OR_RETURN(std::string directory, CheckBackupDirectory(params.directory, BackupDirection::kRestore));
  KALAM_RETURN_IF_ERROR(CheckRestoreSourceExists(directory));
  KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::LocalFileBackend> source,
                         filestore::LocalFileBackend::Open(directory));
  auto descriptor_json = source->Read(kBackupDescriptorFile);
  if (!descriptor_json.ok()) {
    if (descriptor_json.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("Restore directory '" + directory + "' holds no backup (no " +
                              std::string(kBackupDescriptorFile) + ")");
    }
    return descriptor_json.status();
  }
  KALAM_ASSIGN_OR_RETURN(BackupDescriptor descriptor, BackupDescriptor::FromJson(*descriptor_json));
  KALAM_RETURN_IF_ERROR(VerifyChecksums(*source, descriptor));
  if (!params.namespace_id) return Status::Unsupported("Not supported yet: RESTORE DATABASE of a whole server");
  return NamespaceRestorer(engine, *source, cancel).Run(*params.namespace_id, descriptor, directory);
}

}  // namespace kalam::core
