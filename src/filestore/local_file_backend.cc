#include "kalam/filestore/local_file_backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "kalam/commons/failpoint.h"

namespace kalam::filestore {

namespace fs = std::filesystem;

namespace {

Status ErrorCodeStatus(const std::error_code& ec, std::string_view op, std::string_view path) {
  if (ec.category() == std::system_category() || ec.category() == std::generic_category()) {
    return ErrnoStatus(ec.value(), op, path);
  }
  return Status::IoError("cannot " + std::string(op) + " '" + std::string(path) + "': " + ec.message());
}

std::string_view ParentOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view NameOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// `abs` (below `base`) as the relative path callers know, for messages.
std::string RelativeTo(const std::string& base, const std::string& abs) {
  if (abs.size() <= base.size()) return std::string();
  return abs.substr(base.size() + (abs[base.size()] == '/' ? 1 : 0));
}

// Closes a descriptor on every path out of a function.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  // Closes now and reports the error close() found (delayed write errors surface here).
  int Close() {
    const int fd = std::exchange(fd_, -1);
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// fsync of a directory makes the entries created, renamed or removed in it durable.
int SyncDirectory(const std::string& abs_dir) {
  const int fd = ::open(abs_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return errno;
  return closer.Close();
}

int WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

// A name no other writer in this or another process picks: the pid separates processes, the
// counter separates calls, the random part separates a restarted process reusing a pid.
std::string UniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = std::random_device{}();
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  return std::to_string(::getpid()) + "-" + std::to_string(seed & 0xffffff) + "-" + std::to_string(n);
}

// Temp names are hidden and end in ".tmp", which is what crash cleanup removes
// (CleanupUncommitted). The target name is shortened so the temp name stays within NAME_MAX.
std::string TempNameFor(std::string_view name) {
  std::string temp(".");
  temp.append(name.substr(0, 160));
  temp.push_back('.');
  temp.append(UniqueSuffix());
  temp.append(".tmp");
  return temp;
}

}  // namespace

LocalFileBackend::LocalFileBackend(const std::string& base) {
  // An empty base_ makes every operation fail ("not set"): better than a truncated path.
  if (base.find('\0') != std::string::npos) return;
  std::error_code ec;
  fs::path absolute = base.empty() ? fs::path() : fs::absolute(base, ec);
  if (ec) absolute = base;
  if (!absolute.empty()) fs::create_directories(absolute, ec);
  const fs::path canonical = fs::canonical(absolute, ec);
  base_is_canonical_ = !ec;
  base_ = (base_is_canonical_ ? canonical : absolute.lexically_normal()).string();
  while (base_.size() > 1 && base_.back() == '/') base_.pop_back();
}

Result<std::unique_ptr<LocalFileBackend>> LocalFileBackend::Open(const std::string& base) {
  if (base.empty()) return Status::InvalidArgument("storage base directory must not be empty");
  if (base.find('\0') != std::string::npos) {
    return Status::InvalidArgument("storage base directory must not contain NUL");
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(base, ec);
  if (ec) return ErrorCodeStatus(ec, "resolve the base directory", base);
  fs::create_directories(absolute, ec);
  if (ec) return ErrorCodeStatus(ec, "create the base directory", base);
  if (!fs::is_directory(absolute, ec)) {
    return Status::IoError("storage base '" + base + "' is not a directory");
  }
  auto backend = std::make_unique<LocalFileBackend>(base);
  if (!backend->base_is_canonical_) {
    return Status::IoError("cannot resolve the storage base directory '" + base + "'");
  }
  return backend;
}

Result<std::string> LocalFileBackend::Resolve(std::string_view path, bool allow_base) const {
  KALAM_RETURN_IF_ERROR(ValidateRelativePath(path, allow_base));
  if (base_.empty()) return Status::IoError("storage base directory is not set");
  std::string abs = path.empty() ? base_ : JoinPath(base_, path);
  // The syntactic check already keeps `..` out; what is left is a symlink somewhere inside
  // the base. weakly_canonical resolves the part that exists and keeps the rest as written.
  std::error_code ec;
  const std::string resolved = fs::weakly_canonical(fs::path(abs), ec).string();
  if (ec) return ErrorCodeStatus(ec, "resolve", path);
  std::string base = base_;
  if (!base_is_canonical_) {
    base = fs::weakly_canonical(fs::path(base_), ec).string();
    if (ec) return ErrorCodeStatus(ec, "resolve the base of", path);
    while (base.size() > 1 && base.back() == '/') base.pop_back();
  }
  const bool inside = base == "/" || resolved == base ||
                      (resolved.size() > base.size() && resolved.compare(0, base.size(), base) == 0 &&
                       resolved[base.size()] == '/');
  if (!inside) {
    return Status::InvalidArgument("path '" + std::string(path) + "' leaves the storage base");
  }
  return abs;
}

Status LocalFileBackend::MakeDirectories(const std::string& abs) const {
  // Walk down from the base so that each directory we create gets its parent fsynced: after a
  // crash a durable file is useless if the directory entry leading to it was lost.
  struct stat st;
  if (::stat(base_.c_str(), &st) != 0) {
    // The base was removed (or never created) after construction: recreate it, as Open would.
    std::error_code ec;
    fs::create_directories(base_, ec);
    if (ec) return ErrorCodeStatus(ec, "create the base directory", base_);
  }
  std::string current = base_;
  std::string_view rest = std::string_view(abs).substr(std::min(abs.size(), base_.size()));
  while (!rest.empty()) {
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      continue;
    }
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    const std::string parent = current;
    current = JoinPath(current, segment);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (::mkdir(current.c_str(), 0755) == 0) {
      if (const int err = SyncDirectory(parent); err != 0) {
        return ErrnoStatus(err, "sync the directory", RelativeTo(base_, parent));
      }
      continue;
    }
    const int err = errno;
    if (err == EEXIST && ::stat(current.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (err == EEXIST) {
      return Status::IoError("cannot create directory '" + RelativeTo(base_, current) +
                             "': something else is in the way");
    }
    return ErrnoStatus(err, "create directory", RelativeTo(base_, current));
  }
  return Status::Ok();
}

Status LocalFileBackend::WriteAtomic(std::string_view path, std::string_view bytes) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/false));
  const std::string abs_dir(ParentOf(abs));
  KALAM_RETURN_IF_ERROR(MakeDirectories(abs_dir));

  // O_EXCL refuses an existing entry, symlinks included, so the temp file is always new.
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 4 && fd < 0; ++attempt) {
    temp = JoinPath(abs_dir, TempNameFor(NameOf(path)));
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return ErrnoStatus(errno, "create a temp file for", path);

  FdCloser closer(fd);
  int err = FailpointCheck(Failpoint::kFilestoreWrite, path);
  if (err == 0) err = WriteAll(fd, bytes);
  if (err == 0) err = FailpointCheck(Failpoint::kFilestoreSync, path);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (err == 0) err = closer.Close();
  if (err == 0 && ::rename(temp.c_str(), abs.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    return ErrnoStatus(err, "write", path);
  }
  if (const int sync_err = SyncDirectory(abs_dir); sync_err != 0) {
    return ErrnoStatus(sync_err, "sync the directory of", path);
  }
  return Status::Ok();
}

Result<std::string> LocalFileBackend::Read(std::string_view path) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/false));
  const int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) return Status::IoError("cannot read '" + std::string(path) + "': not a regular file");

  // Read straight into the result; the size is a hint, as the file may change meanwhile.
  std::string out(std::max<size_t>(static_cast<size_t>(st.st_size) + 1, 4096), '\0');
  size_t length = 0;
  for (;;) {
    if (length == out.size()) out.resize(out.size() * 2);
    const ssize_t n = ::read(fd, out.data() + length, out.size() - length);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    length += static_cast<size_t>(n);
  }
  out.resize(length);
  return out;
}

Result<std::vector<std::string>> LocalFileBackend::ListEntries(std::string_view dir, bool directories) const {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(dir, /*allow_base=*/true));
  std::error_code ec;
  fs::directory_iterator it(abs, ec);
  if (ec) return ErrorCodeStatus(ec, "list", dir);
  std::vector<std::string> names;
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return ErrorCodeStatus(ec, "list", dir);
    // symlink_status: a symlink is neither a file nor a directory of ours, wherever it points.
    const fs::file_status st = it->symlink_status(ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) continue;  // removed while listing
      return ErrorCodeStatus(ec, "list", dir);
    }
    const bool wanted = directories ? fs::is_directory(st) : fs::is_regular_file(st);
    if (wanted) names.push_back(it->path().filename().string());
  }
  if (ec) return ErrorCodeStatus(ec, "list", dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> LocalFileBackend::List(std::string_view dir) {
  return ListEntries(dir, /*directories=*/false);
}

Result<std::vector<std::string>> LocalFileBackend::ListDirectories(std::string_view dir) {
  return ListEntries(dir, /*directories=*/true);
}

Result<bool> LocalFileBackend::Exists(std::string_view path) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/true));
  struct stat st;
  if (::lstat(abs.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return ErrnoStatus(errno, "stat", path);
}

Status LocalFileBackend::Delete(std::string_view path) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/false));
  if (::unlink(abs.c_str()) != 0) return ErrnoStatus(errno, "delete", path);
  return Status::Ok();
}

Status LocalFileBackend::DeleteRecursive(std::string_view dir) {
  if (dir.empty()) return Status::InvalidArgument("refusing to delete the storage base directory");
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(dir, /*allow_base=*/false));
  std::error_code ec;
  // remove_all removes symlinks themselves and never follows them.
  fs::remove_all(abs, ec);
  if (ec) return ErrorCodeStatus(ec, "delete", dir);
  // Not needed for correctness (a resurrected directory is orphaned, not live), but keeps a
  // DROP from reappearing after a crash.
  if (const int err = SyncDirectory(std::string(ParentOf(abs))); err != 0 && err != ENOENT) {
    return ErrnoStatus(err, "sync the parent of", dir);
  }
  return Status::Ok();
}

Result<bool> LocalFileBackend::RemoveDirectoryIfEmpty(std::string_view dir) {
  if (dir.empty()) return Status::InvalidArgument("refusing to remove the storage base directory");
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(dir, /*allow_base=*/false));
  if (::rmdir(abs.c_str()) != 0) {
    const int err = errno;
    if (err == ENOENT) return true;
    if (err == ENOTEMPTY || err == EEXIST) return false;
    return ErrnoStatus(err, "remove the directory", dir);
  }
  return true;
}

Status LocalFileBackend::Rename(std::string_view from, std::string_view to) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs_from, Resolve(from, /*allow_base=*/false));
  KALAM_ASSIGN_OR_RETURN(const std::string abs_to, Resolve(to, /*allow_base=*/false));
  const std::string from_dir(ParentOf(abs_from));
  const std::string to_dir(ParentOf(abs_to));
  KALAM_RETURN_IF_ERROR(MakeDirectories(to_dir));
  if (::rename(abs_from.c_str(), abs_to.c_str()) != 0) {
    const int err = errno;  // read before building the message, which may allocate
    return ErrnoStatus(err, "rename '" + std::string(from) + "' to", to);
  }
  if (const int err = SyncDirectory(to_dir); err != 0) return ErrnoStatus(err, "sync the directory of", to);
  if (from_dir != to_dir) {
    if (const int err = SyncDirectory(from_dir); err != 0) return ErrnoStatus(err, "sync the directory of", from);
  }
  return Status::Ok();
}

Status LocalFileBackend::SyncFile(std::string_view path) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/false));
  const int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  if (const int err = FailpointCheck(Failpoint::kFilestoreSync, path)) return ErrnoStatus(err, "sync", path);
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "sync", path);
  if (const int err = closer.Close(); err != 0) return ErrnoStatus(err, "close", path);
  return Status::Ok();
}

Status LocalFileBackend::CreateDirectories(std::string_view dir) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(dir, /*allow_base=*/true));
  return MakeDirectories(abs);
}

std::string LocalFileBackend::AbsolutePath(std::string_view path) {
  auto resolved = Resolve(path, /*allow_base=*/true);
  return resolved.ok() ? std::move(resolved).value() : std::string();
}

Result<uint64_t> LocalFileBackend::Size(std::string_view path) {
  KALAM_ASSIGN_OR_RETURN(const std::string abs, Resolve(path, /*allow_base=*/false));
  struct stat st;
  if (::stat(abs.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) return Status::IoError("cannot size '" + std::string(path) + "': not a regular file");
  return static_cast<uint64_t>(st.st_size);
}

Status ProbeStorage(const std::string& base) {
  if (base.empty()) return Status::InvalidArgument("Storage check failed: empty base directory");
  const std::string prefix = "Storage check failed for '" + base + "': ";
  if (base.find("://") != std::string::npos) {
    return Status::Unsupported(prefix + "only filesystem paths can be checked");
  }
  auto fail = [&prefix](std::string_view step, const Status& cause) {
    return Status(cause.code() == StatusCode::kInvalidArgument ? StatusCode::kInvalidArgument
                                                               : StatusCode::kIoError,
                  prefix + std::string(step) + ": " + cause.message());
  };

  auto opened = LocalFileBackend::Open(base);
  if (!opened.ok()) return Status(StatusCode::kIoError, prefix + opened.status().message());
  LocalFileBackend& backend = **opened;

  // Hidden, so it can never be mistaken for data; unique, so concurrent probes do not collide.
  const std::string name = ".kalamdb-probe-" + UniqueSuffix();
  const std::string payload = "kalamdb storage probe " + name;
  if (Status s = backend.WriteAtomic(name, payload); !s.ok()) return fail("cannot write a file", s);

  auto cleanup = [&]() { (void)backend.Delete(name); };
  auto read = backend.Read(name);
  if (!read.ok()) {
    cleanup();
    return fail("cannot read a file back", read.status());
  }
  if (*read != payload) {
    cleanup();
    return Status::IoError(prefix + "a file read back differs from what was written");
  }
  auto listed = backend.List("");
  if (!listed.ok()) {
    cleanup();
    return fail("cannot list the directory", listed.status());
  }
  if (std::find(listed->begin(), listed->end(), name) == listed->end()) {
    cleanup();
    return Status::IoError(prefix + "a file just written is missing from the directory listing");
  }
  if (Status s = backend.Delete(name); !s.ok()) return fail("cannot delete a file", s);
  auto exists = backend.Exists(name);
  if (!exists.ok()) return fail("cannot check a deleted file", exists.status());
  if (*exists) return Status::IoError(prefix + "a deleted file is still there");
  return Status::Ok();
}

}  // namespace kalam::filestore
