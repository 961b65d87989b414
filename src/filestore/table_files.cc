#include "kalam/filestore/table_files.h"

#include "kalam/filestore/manifest.h"

namespace kalam::filestore {
namespace {

constexpr std::string_view kTempSuffix = ".tmp";

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "batch-N.parquet" or "manifest.json" followed by ".<unique>" (a hidden atomic-write temp).
bool IsHiddenTempOf(std::string_view name) {
  if (name.size() < 2 || name.front() != '.' || !EndsWith(name, kTempSuffix)) return false;
  name.remove_prefix(1);
  if (name.rfind(std::string(kManifestFileName) + ".", 0) == 0) return true;
  const size_t parquet = name.find(".parquet.");
  return parquet != std::string_view::npos && ParseSegmentFileName(name.substr(0, parquet + 8)).has_value();
}

}  // namespace

bool IsTableFileName(std::string_view name) {
  if (name == kManifestFileName || ParseSegmentFileName(name).has_value()) return true;
  if (EndsWith(name, kTempSuffix) && ParseSegmentFileName(name.substr(0, name.size() - kTempSuffix.size()))) {
    return true;
  }
  return IsHiddenTempOf(name);
}

Status DeleteTableFiles(FileBackend& files, std::string_view dir, std::vector<std::string>* kept) {
  if (dir.empty()) return Status::InvalidArgument("refusing to clean the storage base directory");
  auto subdirs = files.ListDirectories(dir);
  if (!subdirs.ok()) return subdirs.status().code() == StatusCode::kNotFound ? Status::Ok() : subdirs.status();
  for (const std::string& name : *subdirs) KALAM_RETURN_IF_ERROR(DeleteTableFiles(files, JoinPath(dir, name), kept));
  auto names = files.List(dir);
  if (!names.ok()) return names.status().code() == StatusCode::kNotFound ? Status::Ok() : names.status();
  for (const std::string& name : *names) {
    const std::string path = JoinPath(dir, name);
    if (!IsTableFileName(name)) {
      if (kept != nullptr) kept->push_back(path);
      continue;
    }
    Status s = files.Delete(path);
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  // False, not an error, when something of someone else's (a file, a link) is still inside.
  return files.RemoveDirectoryIfEmpty(dir).status();
}

}  // namespace kalam::filestore
