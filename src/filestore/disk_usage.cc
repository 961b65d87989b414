#include "kalam/filestore/disk_usage.h"

#include <filesystem>

namespace kalam::filestore {

uint64_t LocalParquetBytes(const std::string& base_directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t total = 0;
  fs::recursive_directory_iterator it(base_directory, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || it->path().extension() != ".parquet") continue;
    const uint64_t size = it->file_size(entry_ec);
    if (!entry_ec) total += size;
  }
  return total;
}

}  // namespace kalam::filestore
