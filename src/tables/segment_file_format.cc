#include "segment_file_format.h"

#include <charconv>

#include "sql_text.h"

namespace kalam::tables {
namespace {
constexpr const char* kSchemaVersionKey = "kalamdb.schema_version";
}  // namespace

std::string SegmentCopyOptions(uint32_t schema_version) {
  return std::string("(FORMAT parquet, COMPRESSION zstd, KV_METADATA {") + QuoteLiteral(kSchemaVersionKey) + ": " +
         QuoteLiteral(std::to_string(schema_version)) + "})";
}

std::optional<uint32_t> ReadSegmentSchemaVersion(duckdb::Connection& parquet, const std::string& local_path) {
  auto result = parquet.Query("SELECT decode(value) FROM parquet_kv_metadata(" + QuoteLiteral(local_path) +
                              ") WHERE decode(key) = " + QuoteLiteral(kSchemaVersionKey));
  if (result->HasError()) return std::nullopt;
  auto chunk = result->Fetch();
  if (!chunk || chunk->size() != 1 || chunk->GetValue(0, 0).IsNull()) return std::nullopt;
  const std::string text = chunk->GetValue(0, 0).ToString();
  uint32_t version = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version == 0) return std::nullopt;
  return version;
}

}  // namespace kalam::tables
