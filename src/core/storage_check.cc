#include "storage_check.h"

#include "kalam/auth/permissions.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/manifest.h"
#include "kalam/filestore/s3_file_backend.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/tables/cold_tier.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

const DataType kText{TypeKind::kText, 0, 0};

void AddRow(system::RowSet& rows, std::string check, const Status& status, std::string ok_detail = "") {
  rows.rows.push_back({std::move(check), std::string(status.ok() ? "ok" : "failed"),
                       status.ok() ? std::move(ok_detail) : status.message()});
}

// One row for the manifest of `dir`, or none when the scope has no cold data.
void CheckManifest(filestore::FileBackend& files, const std::string& dir, system::RowSet& rows) {
  const std::string name = filestore::JoinPath(dir, filestore::kManifestFileName);
  auto manifest = filestore::LoadManifest(files, dir);
  if (!manifest.ok()) {
    if (manifest.status().code() != StatusCode::kNotFound) AddRow(rows, "manifest " + name, manifest.status());
    return;
  }
  std::string problems;
  size_t checked = 0;
  for (const filestore::Segment& segment : manifest->segments) {
    if (segment.status != filestore::SegmentStatus::kCommitted) continue;
    ++checked;
    auto size = files.Size(filestore::JoinPath(dir, segment.path));
    std::string problem;
    if (!size.ok()) {
      problem = size.status().code() == StatusCode::kNotFound ? segment.path + " is missing"
                                                              : segment.path + ": " + size.status().message();
    } else if (static_cast<int64_t>(*size) != segment.size_bytes) {
      problem = segment.path + " has " + std::to_string(*size) + " bytes, the manifest says " +
                std::to_string(segment.size_bytes);
    }
    if (problem.empty()) continue;
    if (!problems.empty()) problems += "; ";
    problems += problem;
  }
  AddRow(rows, "manifest " + name, problems.empty() ? Status::Ok() : Status::Corruption(problems),
         std::to_string(checked) + " segment(s) present");
}

}  // namespace

Result<StatementResult> StorageCheck::Run(ExecContext& ctx, const dialect::StorageCheckStmt& s) {
  KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(ctx.acting_role, "check storages"));
  std::optional<StorageDefinition> def = engine_.storages->Find(s.id);
  if (!def) return Status::NotFound("Storage '" + s.id.str() + "' does not exist");
  KALAM_ASSIGN_OR_RETURN(auto storage, engine_.cold->storages().For(s.id));

  system::RowSet rows;
  rows.columns = {{"check", kText}, {"status", kText}, {"detail", kText}};
  if (auto* s3 = dynamic_cast<filestore::S3FileBackend*>(storage->files.get())) {
    const filestore::S3ProbeReport report = filestore::ProbeS3(s3->client());
    for (size_t i = 0; i < report.steps.size(); ++i) {
      AddRow(rows, report.steps[i], report.failures[i].empty() ? Status::Ok() : Status::IoError(report.failures[i]));
    }
  } else {
    AddRow(rows, "access", filestore::ProbeStorage(def->base_directory), "list, put, get and delete work");
  }

  if (s.extended) {
    for (const auto& table : engine_.registry->ListTables()) {
      if (table->type == TableType::kStream || table->options.storage_id != s.id) continue;
      if (table->type == TableType::kShared) {
        auto dir = storage->ScopeDirectory(*table, "");
        if (dir.ok()) CheckManifest(*storage->files, *dir, rows);
        continue;
      }
      auto root = storage->TableRoot(*table);
      if (!root.ok()) continue;
      auto users = storage->files->ListDirectories(*root);
      if (!users.ok()) {
        AddRow(rows, "table " + table->id.ToString(), users.status());
        continue;
      }
      for (const std::string& user : *users) {
        auto dir = storage->ScopeDirectory(*table, user);
        if (dir.ok()) CheckManifest(*storage->files, *dir, rows);
      }
    }
  }
  return RowSetToResult(rows, ctx.acting_user);
}

}  // namespace kalam::core
