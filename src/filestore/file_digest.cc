#include "kalam/filestore/file_digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

namespace kalam::filestore {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

struct DigestContext {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};

  DigestContext() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx.get(), data, size); }
  std::string HexFinal() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), out, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
      hex.push_back(kHex[out[i] >> 4]);
      hex.push_back(kHex[out[i] & 0xf]);
    }
    return hex;
  }
};

// Reads `source` in chunks, digesting each and handing it to `sink` (may be null).
template <typename Sink>
Result<FileDigest> ReadDigesting(const std::string& source, Sink&& sink) {
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", source);
  FdCloser closer{fd};
  DigestContext digest;
  std::vector<char> buffer(kChunkBytes);
  FileDigest out;
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", source);
    }
    if (n == 0) break;
    digest.Update(buffer.data(), static_cast<size_t>(n));
    KALAM_RETURN_IF_ERROR(sink(std::string_view(buffer.data(), static_cast<size_t>(n))));
    out.size += static_cast<uint64_t>(n);
  }
  out.sha256 = digest.HexFinal();
  return out;
}

Status WriteAll(int fd, std::string_view bytes, std::string_view path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Creates (or truncates) `path` of a local `files` and its directory (durably or not, see
// CopyLocalFileInto); answers the open descriptor.
Result<int> CreateLocalFile(FileBackend& files, const std::string& path, bool durable) {
  const std::size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    const std::string dir = path.substr(0, slash);
    KALAM_RETURN_IF_ERROR(durable ? files.CreateDirectories(dir) : CreateLocalDirectoriesUnsynced(files, dir));
  }
  const std::string absolute = files.AbsolutePath(path);
  if (absolute.empty()) return Status::InvalidArgument("cannot write '" + path + "': path refused");
  const int fd = ::open(absolute.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create", path);
  return fd;
}

}  // namespace

Status CreateLocalDirectoriesUnsynced(FileBackend& files, std::string_view dir) {
  const std::string absolute = files.AbsolutePath(dir);
  if (absolute.empty()) return Status::InvalidArgument("cannot create '" + std::string(dir) + "': path refused");
  std::error_code ec;
  std::filesystem::create_directories(absolute, ec);
  if (ec) return ErrnoStatus(ec.value(), "create the directory", dir);
  return Status::Ok();
}

FileDigest DigestBytes(std::string_view bytes) {
  DigestContext digest;
  digest.Update(bytes.data(), bytes.size());
  return FileDigest{bytes.size(), digest.HexFinal()};
}

Result<FileDigest> DigestLocalFile(const std::string& absolute_path) {
  return ReadDigesting(absolute_path, [](std::string_view) { return Status::Ok(); });
}

Result<FileDigest> CopyLocalFileInto(const std::string& source, FileBackend& files, std::string_view to,
                                     bool durable) {
  if (files.IsRemote()) {
    std::string bytes;
    KALAM_ASSIGN_OR_RETURN(FileDigest digest, ReadDigesting(source, [&](std::string_view chunk) {
                             bytes.append(chunk);
                             return Status::Ok();
                           }));
    KALAM_RETURN_IF_ERROR(files.WriteAtomic(to, bytes));
    return digest;
  }
  const std::string target = durable ? std::string(to) + ".tmp" : std::string(to);
  KALAM_ASSIGN_OR_RETURN(const int fd, CreateLocalFile(files, target, durable));
  FdCloser closer{fd};
  KALAM_ASSIGN_OR_RETURN(FileDigest digest,
                         ReadDigesting(source, [&](std::string_view chunk) { return WriteAll(fd, chunk, target); }));
  if (!durable) return digest;
  KALAM_RETURN_IF_ERROR(files.SyncFile(target));
  KALAM_RETURN_IF_ERROR(files.Rename(target, to));
  return digest;
}

Status WriteLocalFileUnsynced(FileBackend& files, std::string_view path, std::string_view bytes) {
  KALAM_ASSIGN_OR_RETURN(const int fd, CreateLocalFile(files, std::string(path), /*durable=*/false));
  FdCloser closer{fd};
  return WriteAll(fd, bytes, path);
}

Status SyncWrittenFiles(FileBackend& files, const std::vector<std::string>& paths) {
  std::set<std::string> dirs;
  for (const std::string& path : paths) {
    KALAM_RETURN_IF_ERROR(files.SyncFile(path));
    for (std::size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1)) {
      if (!dirs.insert(path.substr(0, slash)).second) break;  // its parents are in already
    }
  }
  for (const std::string& dir : dirs) KALAM_RETURN_IF_ERROR(files.SyncFile(dir));
  const std::string base = files.AbsolutePath("");
  const int fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", base);
  FdCloser closer{fd};
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "sync", base);
  return Status::Ok();
}

}  // namespace kalam::filestore
