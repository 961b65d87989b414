#include "kalam/filestore/s3_file_backend.h"

#include <algorithm>
#include <filesystem>
#include <random>

namespace kalam::filestore {

namespace fs = std::filesystem;

S3FileBackend::S3FileBackend(std::unique_ptr<S3Client> client, std::shared_ptr<ObjectCache> cache,
                             std::string cache_prefix)
    : client_(std::move(client)), cache_(std::move(cache)), cache_prefix_(std::move(cache_prefix)) {}

std::string S3FileBackend::CacheKey(std::string_view path) const { return JoinPath(cache_prefix_, path); }

void S3FileBackend::RememberEtag(std::string_view path, std::string etag) {
  std::lock_guard lock(mu_);
  etags_[std::string(path)] = std::move(etag);
}

Status S3FileBackend::WriteAtomic(std::string_view path, std::string_view bytes) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  S3PutCondition condition;
  {
    std::lock_guard lock(mu_);
    if (auto it = etags_.find(std::string(path)); it != etags_.end()) {
      if (it->second.empty()) {
        condition.if_none_match = true;
      } else {
        condition.if_match = it->second;
      }
    }
  }
  auto put = client_->Put(path, bytes, condition);
  if (!put.ok() && put.status().code() != StatusCode::kInvalidOperation) return put.status();
  // Read back: a server that ignores the condition, or a retried PUT whose first try had
  // landed (the retry then loses its own condition), is told apart from a foreign write here.
  std::string etag;
  auto stored = client_->Get(path, &etag);
  if (!stored.ok()) return stored.status();
  if (*stored != bytes) {
    std::lock_guard lock(mu_);
    etags_.erase(std::string(path));
    return Status::InvalidOperation("'" + std::string(path) +
                                    "' was changed by another writer; the write was not applied");
  }
  RememberEtag(path, std::move(etag));
  return Status::Ok();
}

Result<std::string> S3FileBackend::Read(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  std::string etag;
  auto bytes = client_->Get(path, &etag);
  if (bytes.ok()) {
    RememberEtag(path, std::move(etag));
  } else if (bytes.status().code() == StatusCode::kNotFound) {
    RememberEtag(path, "");
  }
  return bytes;
}

Result<std::vector<std::string>> S3FileBackend::List(std::string_view dir) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(dir, true));
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing listing, client_->List(dir, true));
  std::vector<std::string> names;
  const size_t skip = dir.empty() ? 0 : dir.size() + 1;
  for (const std::string& key : listing.keys) {
    std::string name = key.substr(skip);
    if (!name.empty() && name.find('/') == std::string::npos) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> S3FileBackend::ListDirectories(std::string_view dir) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(dir, true));
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing listing, client_->List(dir, true));
  std::sort(listing.prefixes.begin(), listing.prefixes.end());
  return std::move(listing.prefixes);
}

Result<bool> S3FileBackend::Exists(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path, true));
  if (path.empty()) return true;  // the bucket's prefix exists as soon as the bucket does
  auto head = client_->Head(path);
  if (head.ok()) return true;
  if (head.status().code() != StatusCode::kNotFound) return head.status();
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing below, client_->List(path, true));
  return !below.keys.empty() || !below.prefixes.empty();
}

Status S3FileBackend::Delete(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  cache_->Remove(CacheKey(path));
  KALAM_RETURN_IF_ERROR(client_->Head(path).status());  // S3 deletes missing keys silently
  KALAM_RETURN_IF_ERROR(client_->Delete(path));
  RememberEtag(path, "");
  return Status::Ok();
}

Status S3FileBackend::DeleteRecursive(std::string_view dir) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(dir));
  cache_->Remove(CacheKey(dir));
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing listing, client_->List(dir, false));
  for (const std::string& key : listing.keys) {
    Status deleted = client_->Delete(key);
    if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) return deleted;
  }
  std::lock_guard lock(mu_);
  const std::string below = std::string(dir) + "/";
  for (auto it = etags_.begin(); it != etags_.end();) {
    it = it->first.rfind(below, 0) == 0 ? etags_.erase(it) : std::next(it);
  }
  return Status::Ok();
}

Result<bool> S3FileBackend::RemoveDirectoryIfEmpty(std::string_view dir) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(dir));
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing listing, client_->List(dir, false));
  if (!listing.keys.empty()) return false;
  cache_->Remove(CacheKey(dir));  // staging directories only
  return true;
}

Status S3FileBackend::Rename(std::string_view from, std::string_view to) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(from));
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(to));
  const std::string staged = cache_->PathOf(CacheKey(from));
  std::error_code ec;
  if (!fs::is_regular_file(staged, ec)) return RenameRemote(from, to);
  const uint64_t size = fs::file_size(staged, ec);
  if (ec) return Status::IoError("cannot size the staged file for '" + std::string(to) + "'");
  KALAM_RETURN_IF_ERROR(client_->PutFile(to, staged));
  // The upload is the commit point of the data: make sure the object is there, whole, before
  // any manifest may name it.
  KALAM_ASSIGN_OR_RETURN(S3Client::ObjectInfo info, client_->Head(to));
  if (info.size != size) {
    return Status::IoError("uploaded '" + std::string(to) + "' has " + std::to_string(info.size) + " bytes, expected " +
                           std::to_string(size));
  }
  const std::string cached = cache_->PathOf(CacheKey(to));
  fs::create_directories(fs::path(cached).parent_path(), ec);
  fs::rename(staged, cached, ec);
  if (ec) {
    fs::remove(staged, ec);
    return Status::Ok();  // uploaded; the copy will be fetched when read
  }
  cache_->Added(CacheKey(to), size);
  return Status::Ok();
}

Status S3FileBackend::RenameRemote(std::string_view from, std::string_view to) {
  cache_->Remove(CacheKey(from));
  cache_->Remove(CacheKey(to));
  auto head = client_->Head(from);
  if (head.ok()) {
    KALAM_RETURN_IF_ERROR(client_->Copy(from, to));
    return client_->Delete(from);
  }
  if (head.status().code() != StatusCode::kNotFound) return head.status();
  // A "directory": every key below it moves (S3 has no rename; DROP TABLE moves a table's
  // directory aside this way before its cleanup job deletes it).
  KALAM_ASSIGN_OR_RETURN(S3Client::Listing listing, client_->List(from, false));
  if (listing.keys.empty()) return Status::NotFound("cannot rename '" + std::string(from) + "': not found");
  for (const std::string& key : listing.keys) {
    const std::string target = std::string(to) + key.substr(from.size());
    KALAM_RETURN_IF_ERROR(client_->Copy(key, target));
    KALAM_RETURN_IF_ERROR(client_->Delete(key));
  }
  std::lock_guard lock(mu_);
  etags_.clear();  // cheap to relearn; renames are rare (DROP TABLE)
  return Status::Ok();
}

Status S3FileBackend::SyncFile(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  // A staged file becomes durable by its upload (Rename); an object is durable already.
  std::error_code ec;
  if (fs::is_regular_file(cache_->PathOf(CacheKey(path)), ec)) return Status::Ok();
  return client_->Head(path).status();
}

Status S3FileBackend::CreateDirectories(std::string_view dir) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(dir, true));
  // Prefixes need no creation; the staging directory the Parquet writer writes into does.
  std::error_code ec;
  fs::create_directories(cache_->PathOf(CacheKey(dir)), ec);
  if (ec) return Status::IoError("cannot create the local staging directory for '" + std::string(dir) + "'");
  return Status::Ok();
}

std::string S3FileBackend::AbsolutePath(std::string_view path) {
  if (!ValidateRelativePath(path, true).ok()) return std::string();
  return cache_->PathOf(CacheKey(path));
}

Result<uint64_t> S3FileBackend::Size(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  KALAM_ASSIGN_OR_RETURN(S3Client::ObjectInfo info, client_->Head(path));
  return info.size;
}

Result<std::string> S3FileBackend::LocalReadPath(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  const std::string key = CacheKey(path);
  const std::string local = cache_->PathOf(key);
  if (cache_->Touch(key)) return local;
  KALAM_RETURN_IF_ERROR(client_->GetToFile(path, local));
  std::error_code ec;
  const uint64_t size = fs::file_size(local, ec);
  cache_->Added(key, ec ? 0 : size);
  return local;
}

bool S3ProbeReport::ok() const {
  return std::all_of(failures.begin(), failures.end(), [](const std::string& f) { return f.empty(); });
}

std::string S3ProbeReport::FirstFailure() const {
  for (size_t i = 0; i < failures.size(); ++i) {
    if (!failures[i].empty()) return steps[i] + ": " + failures[i];
  }
  return std::string();
}

S3ProbeReport ProbeS3(const S3Client& client) {
  S3ProbeReport report;
  auto step = [&](const char* name, const Status& status) {
    report.steps.emplace_back(name);
    report.failures.push_back(status.ok() ? std::string() : status.message());
    return status.ok();
  };
  std::random_device rd;
  const std::string key = ".kalamdb-probe-" + std::to_string(rd()) + std::to_string(rd());
  const std::string bytes = "kalamdb storage probe";
  step("list", client.List("", true).status());
  if (!step("put", client.Put(key, bytes).status())) return report;
  auto got = client.Get(key);
  step("get", got.ok() && *got != bytes ? Status::IoError("the probe object came back different") : got.status());
  step("delete", client.Delete(key));
  return report;
}

}  // namespace kalam::filestore
