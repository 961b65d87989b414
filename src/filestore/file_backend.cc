#include "kalam/filestore/file_backend.h"

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>

#include "kalam/commons/failpoint.h"

namespace kalam::filestore {

namespace {

// NAME_MAX on every filesystem we target, and a sane bound for object-store key segments.
constexpr size_t kMaxComponentBytes = 255;

}  // namespace

bool IsSafePathComponent(std::string_view name) {
  if (name.empty() || name.size() > kMaxComponentBytes) return false;
  if (name.front() == '.') return false;  // also rules out "." and ".."
  for (char c : name) {
    if (c == '/' || c == '\\' || c == '\0') return false;
  }
  return true;
}

Status ValidateRelativePath(std::string_view path, bool allow_base) {
  if (path.empty()) {
    if (allow_base) return Status::Ok();
    return Status::InvalidArgument("empty path");
  }
  // Messages never echo the path: it may carry a client's bytes (NUL, control characters).
  if (path.front() == '/') return Status::InvalidArgument("path must be relative to the storage base");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty()) return Status::InvalidArgument("path has an empty segment");
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("path must not contain '.' or '..' segments");
    }
    if (segment.size() > kMaxComponentBytes) return Status::InvalidArgument("path segment too long");
    for (char c : segment) {
      if (c == '\0') return Status::InvalidArgument("path must not contain NUL");
      if (c == '\\') return Status::InvalidArgument("path must not contain '\\'");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  std::string msg = "cannot " + std::string(op) + " '" + std::string(path) + "': " + std::system_category().message(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(std::move(msg));
    case ENOSPC:
    case EDQUOT: return Status::Unavailable(std::move(msg));
    default: return Status::IoError(std::move(msg));
  }
}

Status CheckWriteFailpoint(Failpoint point, std::string_view path) {
  const int err = FailpointCheck(point, path);
  return err == 0 ? Status::Ok() : ErrnoStatus(err, "write", path);
}

Result<std::string> FileBackend::LocalReadPath(std::string_view path) {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path));
  std::string abs = AbsolutePath(path);
  if (abs.empty()) return Status::InvalidArgument("path leads outside the storage base");
  return abs;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out.append(dir);
  out.push_back('/');
  out.append(name);
  return out;
}

}  // namespace kalam::filestore
