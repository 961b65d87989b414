#include "kalam/commons/target_path.h"

#include <array>
#include <string>

namespace kalam {
namespace {

constexpr std::array<std::string_view, 9> kSystemDirectories = {"/etc", "/proc", "/sys", "/dev", "/boot",
                                                                "/bin", "/sbin", "/usr", "/lib"};

Status Invalid(std::string_view path, std::string_view reason) {
  return Status::InvalidArgument("Invalid path '" + std::string(path) + "': " + std::string(reason));
}

// `path` is `dir` or lies below it, comparing whole segments ("/libx" is not under "/lib").
// Repeated slashes are folded first, so "//etc" cannot slip past.
bool Under(std::string_view path, std::string_view dir) {
  std::string folded;
  for (char c : path) {
    if (c == '/' && !folded.empty() && folded.back() == '/') continue;
    folded.push_back(c);
  }
  if (folded.compare(0, dir.size(), dir) != 0) return false;
  return folded.size() == dir.size() || folded[dir.size()] == '/';
}

}  // namespace

Status CheckTargetPath(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return Invalid("", "must not contain a NUL byte");
  if (path.empty() || path.front() != '/') return Invalid(path, "must be an absolute path");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return Invalid(path, "must not contain '..'");
    start = end + 1;
  }
  for (std::string_view dir : kSystemDirectories) {
    if (Under(path, dir)) return Invalid(path, "'" + std::string(dir) + "' is a system directory");
  }
  return Status::Ok();
}

}  // namespace kalam
