#include "backup_job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <shared_mutex>
#include <thread>

#include "backup_catalog.h"
#include "backup_descriptor.h"
#include "backup_paths.h"
#include "backup_snapshot.h"
#include "background_priority.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/commons/names.h"
#include "kalam/filestore/file_digest.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/tables/hot_segment_writer.h"

namespace kalam::core {
namespace {

bool Cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }

// Where a scope's files go inside the backup: data/<ns>/<table>[/<user>].
std::string BackupScopeDir(const TableDefinition& def, const std::string& scope) {
  std::string dir = "data/" + def.id.namespace_id.str() + "/" + def.id.table_name.str();
  if (def.type != TableType::kShared) dir += "/" + scope;
  return dir;
}

// Writes one backup into `out` (a fresh directory); the caller removes it on failure.
class BackupWriter {
 public:
  BackupWriter(EngineContext& engine, filestore::LocalFileBackend& out, const std::atomic<bool>* cancel)
      : engine_(engine), out_(out), cancel_(cancel) {}

  Status Write(const BackupJobParams& params) {
    std::vector<std::shared_ptr<const TableDefinition>> tables;
    if (params.namespace_id) {
      auto ns = FindNamespace(*params.namespace_id);
      if (!ns) return NamespaceNotFound(params.namespace_id->str());
      catalog_.namespaces.push_back(*ns);
      tables = engine_.registry->ListTables(*params.namespace_id);
    } else {
      catalog_.namespaces = engine_.registry->ListNamespaces();
      tables = engine_.registry->ListTables();
      catalog_.storages = engine_.storages->List();
      KALAM_ASSIGN_OR_RETURN(catalog_.users, engine_.users->List());
    }
    descriptor_.kind = params.namespace_id ? BackupKind::kNamespace : BackupKind::kServer;
    descriptor_.namespace_id = params.namespace_id;
    descriptor_.created_at_us = NowMicros();

    // Storages and schemas stay as they are while the snapshot is taken: no table's files move
    // to another storage and every captured definition is current.
    BackupSnapshot snapshot;
    {
      std::shared_lock storage_lock(engine_.storage_ddl_mu);
      std::shared_lock schema_lock(engine_.schema_ddl_mu);
      KALAM_ASSIGN_OR_RETURN(snapshot, CaptureBackupSnapshot(engine_, std::move(tables)));
    }
    descriptor_.snapshot_seq = snapshot.snapshot_seq;
    for (const auto& def : snapshot.tables) {
      descriptor_.tables.push_back(def->id);
      KALAM_ASSIGN_OR_RETURN(std::vector<TableDefinition> history, engine_.registry->SchemaHistory(def->id));
      // Versions an ALTER added after the snapshot are not part of it.
      std::erase_if(history, [&](const TableDefinition& v) { return v.schema_version > def->schema_version; });
      if (history.empty() || history.back().schema_version != def->schema_version) history.push_back(*def);
      catalog_.tables.push_back(std::move(history));
    }
    for (const CapturedScope& scope : snapshot.scopes) KALAM_RETURN_IF_ERROR(WriteScope(snapshot, scope));
    KALAM_RETURN_IF_ERROR(WriteFile(kBackupCatalogFile, catalog_.ToJson()));
    // The files above were written unsynced: synced once each, with their directories, before
    // backup.json names them (no rename per file; no syncfs, which would wait for every other
    // writer of the filesystem, the server's write-ahead log included).
    std::vector<std::string> written;
    written.reserve(descriptor_.files.size());
    for (const BackupFile& file : descriptor_.files) written.push_back(file.path);
    KALAM_RETURN_IF_ERROR(filestore::SyncWrittenFiles(out_, written));
    KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kBackupFilesWritten));
    // Last: its presence is what makes the directory a backup.
    return out_.WriteAtomic(kBackupDescriptorFile, descriptor_.ToJson());
  }

  const BackupDescriptor& descriptor() const { return descriptor_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::optional<NamespaceDefinition> FindNamespace(const NamespaceId& id) const {
    for (NamespaceDefinition& ns : engine_.registry->ListNamespaces()) {
      if (ns.id == id) return ns;
    }
    return std::nullopt;
  }

  void Record(std::string path, filestore::FileDigest digest) {
    bytes_ += digest.size;
    descriptor_.files.push_back(BackupFile{std::move(path), std::move(digest)});
    Pace();
  }

  // backup.max_bytes_per_sec: past the rate, waits until the bytes written so far are due, in
  // short steps so that a KILL JOB still ends the backup promptly.
  void Pace() const {
    const uint64_t rate = engine_.config.backup_max_bytes_per_sec;
    if (rate == 0) return;
    const auto due =
        started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(bytes_) / static_cast<double>(rate)));
    constexpr auto kStep = std::chrono::milliseconds(100);
    for (auto now = std::chrono::steady_clock::now(); now < due && !Cancelled(cancel_);
         now = std::chrono::steady_clock::now()) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(due - now, kStep));
    }
  }

  Status WriteFile(std::string_view path, const std::string& bytes) {
    KALAM_RETURN_IF_ERROR(out_.WriteAtomic(path, bytes));
    Record(std::string(path), filestore::DigestBytes(bytes));
    return Status::Ok();
  }

  Status WriteScope(const BackupSnapshot& snapshot, const CapturedScope& scope) {
    const TableDefinition& def = *scope.def;
    const std::string dir = BackupScopeDir(def, scope.scope);
    filestore::Manifest manifest;
    manifest.table_id = def.id.ToString();
    if (def.type != TableType::kShared) manifest.user_id = scope.scope;
    manifest.created_at_ms = NowMicros() / 1000;
    filestore::FileBackend& files = *scope.storage->files;
    for (const filestore::Segment& segment : scope.segments) {
      if (Cancelled(cancel_)) return Status::InvalidOperation("cancelled");
      KALAM_ASSIGN_OR_RETURN(std::string source, files.LocalReadPath(filestore::JoinPath(scope.dir, segment.path)));
      const std::string target = filestore::JoinPath(dir, segment.path);
      KALAM_ASSIGN_OR_RETURN(filestore::FileDigest digest,
                             filestore::CopyLocalFileInto(source, out_, target, /*durable=*/false));
      Record(target, std::move(digest));
      manifest.segments.push_back(segment);
    }
    // The hot versions at the snapshot become one more segment.
    if (!con_) con_ = engine_.cold->Connect();
    tables::HotSegmentWriter writer(*con_, *engine_.backend, scope.def, scope.scope);
    KALAM_RETURN_IF_ERROR(writer.Stage(snapshot.store_snapshot, snapshot.snapshot_seq, scope.committed_upto));
    if (writer.rows() > 0) {
      const int64_t batch = filestore::NextBatchNumber(manifest);
      const std::string target = filestore::JoinPath(dir, filestore::SegmentFileName(batch));
      KALAM_RETURN_IF_ERROR(filestore::CreateLocalDirectoriesUnsynced(out_, dir));
      KALAM_RETURN_IF_ERROR(writer.WriteParquet(out_.AbsolutePath(target)));
      KALAM_ASSIGN_OR_RETURN(filestore::FileDigest digest, filestore::DigestLocalFile(out_.AbsolutePath(target)));
      filestore::Segment segment = writer.Describe(batch);
      segment.flushed_upto_seq = segment.max_seq;
      segment.size_bytes = static_cast<int64_t>(digest.size);
      segment.created_at_ms = NowMicros() / 1000;
      manifest.segments.push_back(std::move(segment));
      Record(target, std::move(digest));
    }
    if (manifest.segments.empty()) return Status::Ok();
    KALAM_RETURN_IF_ERROR(filestore::SaveManifest(out_, dir, manifest, /*durable=*/false));
    const std::string manifest_path = filestore::JoinPath(dir, filestore::kManifestFileName);
    KALAM_ASSIGN_OR_RETURN(filestore::FileDigest digest, filestore::DigestLocalFile(out_.AbsolutePath(manifest_path)));
    Record(manifest_path, std::move(digest));
    catalog_.scopes.push_back(
        BackupScope{def.id, def.type == TableType::kShared ? std::optional<std::string>() : std::optional(scope.scope), dir});
    return Status::Ok();
  }

  EngineContext& engine_;
  filestore::LocalFileBackend& out_;
  const std::atomic<bool>* cancel_;
  BackupDescriptor descriptor_;
  BackupCatalog catalog_;
  uint64_t bytes_ = 0;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::unique_ptr<duckdb::Connection> con_;  // one for every scope's hot versions
};

}  // namespace

Result<JobOutcome> BackupJob::Run(EngineContext& engine, const BackupJobParams& params,
                                  const std::atomic<bool>* cancel) {
  KALAM_ASSIGN_OR_RETURN(std::string directory, CheckBackupDirectory(params.directory, BackupDirection::kBackup));
  KALAM_RETURN_IF_ERROR(CheckBackupTargetIsFree(directory));
  KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::LocalFileBackend> out, filestore::LocalFileBackend::Open(directory));
  BackupWriter writer(engine, *out, cancel);
  const int64_t started_us = NowMicros();
  Status written;
  RunAtBackgroundPriority([&] { written = writer.Write(params); });
  if (!written.ok()) {
    // Only what this job wrote: the directory was empty when it started.
    (void)out->Delete(kBackupDescriptorFile);
    (void)out->Delete(kBackupCatalogFile);
    (void)out->DeleteRecursive("data");
    return written;
  }
  const BackupDescriptor& d = writer.descriptor();
  const double seconds = static_cast<double>(NowMicros() - started_us) / 1e6;
  const double mb = static_cast<double>(writer.bytes()) / (1024.0 * 1024.0);
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%.1f MB/s", seconds > 0 ? mb / seconds : 0.0);
  return JobOutcome::Completed("Backed up " + std::to_string(d.tables.size()) + " table(s) as of _seq " +
                               std::to_string(d.snapshot_seq) + ": " + std::to_string(d.files.size() + 1) +
                               " file(s), " + std::to_string(writer.bytes()) + " bytes (" + rate + ") in '" +
                               directory + "'");
}

}  // namespace kalam::core
