#include "kalam/filestore/storage_directory.h"

#include <array>
#include <filesystem>
#include <string>

namespace kalam::filestore {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 9> kSystemDirectories = {"/etc", "/proc", "/sys", "/dev", "/boot",
                                                                 "/bin", "/sbin", "/usr", "/lib"};

std::string WithoutTrailingSlash(std::string text) {
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

bool IsSystemDirectory(std::string_view path) {
  if (path.empty() || path == "/") return true;
  for (std::string_view dir : kSystemDirectories) {
    if (path.substr(0, dir.size()) != dir) continue;
    // "/usr" and "/usr/local" are refused; "/usrdata" is not.
    if (path.size() == dir.size() || path[dir.size()] == '/') return true;
  }
  return false;
}

Result<std::string> ResolveLocalDirectory(std::string_view path, std::string_view what) {
  const std::string prefix(what);
  if (path.empty()) return Status::InvalidArgument(prefix + " must not be empty");
  if (path.find('\0') != std::string_view::npos) return Status::InvalidArgument(prefix + " must not contain NUL");
  const std::string text(path);
  if (text.find("://") != std::string::npos) {
    return Status::InvalidArgument(prefix + " must be a local directory, not '" + text + "'");
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(fs::path(text), ec);
  if (ec) return Status::InvalidArgument(prefix + " '" + text + "' is invalid: " + ec.message());
  const std::string lexical = WithoutTrailingSlash(absolute.lexically_normal().string());
  // weakly_canonical resolves the symlinks of the part that exists and keeps the rest as written.
  const fs::path canonical_path = fs::weakly_canonical(fs::path(lexical), ec);
  const std::string canonical = ec ? lexical : WithoutTrailingSlash(canonical_path.lexically_normal().string());
  for (const std::string* form : {&lexical, &canonical}) {
    if (!IsSystemDirectory(*form)) continue;
    std::string message = prefix + " '" + text + "'";
    if (*form != text) message += " (" + *form + ")";
    message += " is not allowed: the filesystem root and system directories (/etc, /proc, /sys, /dev, /boot, /bin, "
               "/sbin, /usr, /lib) cannot hold KalamDB files";
    return Status::InvalidArgument(std::move(message));
  }
  return canonical;
}

Result<LocalDirectoryState> InspectLocalDirectory(const std::string& absolute_path) {
  std::error_code ec;
  const fs::file_status status = fs::status(absolute_path, ec);
  if (ec && status.type() != fs::file_type::not_found) {
    return Status::IoError("cannot inspect '" + absolute_path + "': " + ec.message());
  }
  if (status.type() == fs::file_type::not_found) return LocalDirectoryState::kMissing;
  if (status.type() != fs::file_type::directory) return LocalDirectoryState::kNotADirectory;
  const bool empty = fs::is_empty(absolute_path, ec);
  if (ec) return Status::IoError("cannot list '" + absolute_path + "': " + ec.message());
  return empty ? LocalDirectoryState::kEmpty : LocalDirectoryState::kNotEmpty;
}

}  // namespace kalam::filestore
