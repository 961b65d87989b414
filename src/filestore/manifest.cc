#include "kalam/filestore/manifest.h"

#include "kalam/commons/json_text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "kalam/commons/clock.h"
#include "kalam/filestore/file_digest.h"

namespace kalam::filestore {

namespace {

constexpr std::string_view kBatchPrefix = "batch-";
constexpr std::string_view kParquetSuffix = ".parquet";
constexpr std::string_view kTempSuffix = ".tmp";

bool IsCanonicalDecimal(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s.front() == '0')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> ParseCanonicalInt(std::string_view s) {
  if (!IsCanonicalDecimal(s)) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;  // overflow
  return v;
}

// "<namespace>.<table>": identifiers never hold a '.', so exactly one separates the parts.
bool IsTableIdText(std::string_view text) {
  const size_t dot = text.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < text.size() &&
         text.find('.', dot + 1) == std::string_view::npos;
}

// ---- writer ---------------------------------------------------------------------------------

void AppendString(std::string& out, std::string_view s) { AppendJsonString(s, &out); }

void AppendKey(std::string& out, std::string_view key) {
  AppendString(out, key);
  out.push_back(':');
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

void AppendSegment(std::string& out, const Segment& seg) {
  out.push_back('{');
  AppendKey(out, "id");
  AppendString(out, seg.id);
  out += ",\"path\":";
  AppendString(out, seg.path);
  out += ",\"min_seq\":";
  AppendInt(out, seg.min_seq);
  out += ",\"max_seq\":";
  AppendInt(out, seg.max_seq);
  out += ",\"flushed_upto_seq\":";
  AppendInt(out, seg.flushed_upto_seq);
  out += ",\"row_count\":";
  AppendInt(out, seg.row_count);
  out += ",\"size_bytes\":";
  AppendInt(out, seg.size_bytes);
  out += ",\"created_at\":";
  AppendInt(out, seg.created_at_ms);
  out += ",\"schema_version\":";
  AppendInt(out, seg.schema_version);
  out += ",\"status\":";
  AppendString(out, SegmentStatusName(seg.status));
  out += ",\"column_stats\":{";
  bool first = true;
  for (const auto& [column, stats] : seg.column_stats) {
    if (!first) out.push_back(',');
    first = false;
    AppendKey(out, column);
    out += "{\"min\":";
    out += stats.min_json;
    out += ",\"max\":";
    out += stats.max_json;
    out += ",\"null_count\":";
    AppendInt(out, stats.null_count);
    out.push_back('}');
  }
  out += "}}";
}

// ---- reader ---------------------------------------------------------------------------------

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Status Bad(std::string_view what) { return Status::Corruption("bad manifest: " + std::string(what)); }

simdjson::dom::parser& ThreadParser() {
  // One parser per thread: it owns reusable buffers and is not thread-safe.
  thread_local simdjson::dom::parser parser;
  return parser;
}

Result<int64_t> GetInt(element e, std::string_view field) {
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS) return Bad(std::string(field) + " must be an integer");
  return v;
}

Result<std::string> GetString(element e, std::string_view field) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) return Bad(std::string(field) + " must be a string");
  return std::string(v);
}

// Tracks which required fields of an object were seen.
class Required {
 public:
  explicit Required(std::vector<std::string_view> names) : names_(std::move(names)), seen_(names_.size()) {}
  void Mark(std::string_view name) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) seen_[i] = true;
    }
  }
  Status Check(std::string_view where) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (!seen_[i]) return Bad(std::string(where) + " lacks \"" + std::string(names_[i]) + "\"");
    }
    return Status::Ok();
  }

 private:
  std::vector<std::string_view> names_;
  std::vector<bool> seen_;
};

Result<ColumnStats> DecodeColumnStats(element e) {
  object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return Bad("column_stats values must be objects");
  ColumnStats stats;
  Required required({"min", "max", "null_count"});
  for (auto field : obj) {
    const std::string_view key = field.key;
    required.Mark(key);
    if (key == "min") {
      stats.min_json = simdjson::to_string(field.value);
    } else if (key == "max") {
      stats.max_json = simdjson::to_string(field.value);
    } else if (key == "null_count") {
      KALAM_ASSIGN_OR_RETURN(stats.null_count, GetInt(field.value, "null_count"));
    }
  }
  KALAM_RETURN_IF_ERROR(required.Check("column_stats entry"));
  return stats;
}

Result<Segment> DecodeSegment(element e) {
  object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return Bad("segments must hold objects");
  Segment seg;
  Required required({"id", "path", "min_seq", "max_seq", "flushed_upto_seq", "row_count",
                     "size_bytes", "created_at", "schema_version", "status"});
  for (auto field : obj) {
    const std::string_view key = field.key;
    const element value = field.value;
    required.Mark(key);
    if (key == "id") {
      KALAM_ASSIGN_OR_RETURN(seg.id, GetString(value, "id"));
      if (!ParseSegmentId(seg.id)) return Bad("segment id '" + seg.id + "' is not batch-N");
    } else if (key == "path") {
      KALAM_ASSIGN_OR_RETURN(seg.path, GetString(value, "path"));
      if (!IsSafePathComponent(seg.path)) return Bad("segment path must be a plain file name");
    } else if (key == "min_seq") {
      KALAM_ASSIGN_OR_RETURN(seg.min_seq, GetInt(value, "min_seq"));
    } else if (key == "max_seq") {
      KALAM_ASSIGN_OR_RETURN(seg.max_seq, GetInt(value, "max_seq"));
    } else if (key == "flushed_upto_seq") {
      KALAM_ASSIGN_OR_RETURN(seg.flushed_upto_seq, GetInt(value, "flushed_upto_seq"));
    } else if (key == "row_count") {
      KALAM_ASSIGN_OR_RETURN(seg.row_count, GetInt(value, "row_count"));
    } else if (key == "size_bytes") {
      KALAM_ASSIGN_OR_RETURN(seg.size_bytes, GetInt(value, "size_bytes"));
    } else if (key == "created_at") {
      KALAM_ASSIGN_OR_RETURN(seg.created_at_ms, GetInt(value, "created_at"));
    } else if (key == "schema_version") {
      KALAM_ASSIGN_OR_RETURN(const int64_t v, GetInt(value, "schema_version"));
      if (v < 0 || v > static_cast<int64_t>(UINT32_MAX)) return Bad("schema_version out of range");
      seg.schema_version = static_cast<uint32_t>(v);
    } else if (key == "status") {
      KALAM_ASSIGN_OR_RETURN(const std::string text, GetString(value, "status"));
      const std::optional<SegmentStatus> status = ParseSegmentStatus(text);
      if (!status) return Bad("unknown segment status '" + text + "'");
      seg.status = *status;
    } else if (key == "column_stats") {
      object stats;
      if (value.get_object().get(stats) != simdjson::SUCCESS) return Bad("column_stats must be an object");
      for (auto entry : stats) {
        KALAM_ASSIGN_OR_RETURN(ColumnStats cs, DecodeColumnStats(entry.value));
        seg.column_stats[std::string(entry.key)] = std::move(cs);
      }
    }
  }
  KALAM_RETURN_IF_ERROR(required.Check("segment"));
  return seg;
}

// True when `text` is exactly one JSON value (nothing before or after it).
bool IsSingleJsonValue(std::string_view text) {
  simdjson::padded_string padded(text);
  element ignored;
  return ThreadParser().parse(padded).get(ignored) == simdjson::SUCCESS;
}

// What the encoder cannot express and the decoder would refuse or misread.
Status ValidateForSave(const Manifest& m) {
  if (!IsTableIdText(m.table_id)) {
    return Status::InvalidArgument("manifest table_id must be <namespace>.<table>");
  }
  for (const Segment& seg : m.segments) {
    if (!ParseSegmentId(seg.id)) return Status::InvalidArgument("segment id '" + seg.id + "' is not batch-N");
    if (!IsSafePathComponent(seg.path)) {
      return Status::InvalidArgument("segment path must be a plain file name");
    }
    for (const auto& [column, stats] : seg.column_stats) {
      // Raw text goes into the document verbatim: `1,"null_count":5` would parse as part of the
      // manifest, so each value must be one complete JSON value on its own.
      if (!IsSingleJsonValue(stats.min_json) || !IsSingleJsonValue(stats.max_json)) {
        return Status::InvalidArgument("column_stats of column " + column + " in " + seg.id +
                                       " must be single JSON values");
      }
    }
  }
  return Status::Ok();
}

std::string ManifestPath(std::string_view dir) { return JoinPath(dir, kManifestFileName); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view SegmentStatusName(SegmentStatus status) {
  switch (status) {
    case SegmentStatus::kInProgress: return "in_progress";
    case SegmentStatus::kCommitted: return "committed";
    case SegmentStatus::kTombstone: return "tombstone";
  }
  return "committed";
}

std::optional<SegmentStatus> ParseSegmentStatus(std::string_view text) {
  if (text == "in_progress") return SegmentStatus::kInProgress;
  if (text == "committed") return SegmentStatus::kCommitted;
  if (text == "tombstone") return SegmentStatus::kTombstone;
  return std::nullopt;
}

bool ColumnKeyLess::operator()(std::string_view a, std::string_view b) const {
  const bool a_num = IsCanonicalDecimal(a);
  const bool b_num = IsCanonicalDecimal(b);
  if (a_num != b_num) return a_num;  // numeric keys first
  if (a_num && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string ColumnStatsKey(uint32_t column_id) { return std::to_string(column_id); }

std::string SegmentId(int64_t n) { return std::string(kBatchPrefix) + std::to_string(n); }
std::string SegmentFileName(int64_t n) { return SegmentId(n) + std::string(kParquetSuffix); }
std::string TempFileName(int64_t n) { return SegmentFileName(n) + std::string(kTempSuffix); }

std::optional<int64_t> ParseSegmentId(std::string_view id) {
  if (id.substr(0, kBatchPrefix.size()) != kBatchPrefix) return std::nullopt;
  return ParseCanonicalInt(id.substr(kBatchPrefix.size()));
}

std::optional<int64_t> ParseSegmentFileName(std::string_view name) {
  if (!EndsWith(name, kParquetSuffix)) return std::nullopt;
  return ParseSegmentId(name.substr(0, name.size() - kParquetSuffix.size()));
}

int64_t NextBatchNumber(const Manifest& manifest) {
  int64_t highest = manifest.last_sequence_number;
  for (const Segment& seg : manifest.segments) {
    if (const std::optional<int64_t> n = ParseSegmentId(seg.id)) highest = std::max(highest, *n);
  }
  return highest + 1;
}

std::string EncodeManifest(const Manifest& m) {
  std::string out;
  out.reserve(256 + m.segments.size() * 320);
  out += "{\"table_id\":";
  AppendString(out, m.table_id);
  out += ",\"user_id\":";
  if (m.user_id) {
    AppendString(out, *m.user_id);
  } else {
    out += "null";
  }
  out += ",\"version\":";
  AppendInt(out, m.version);
  out += ",\"created_at\":";
  AppendInt(out, m.created_at_ms);
  out += ",\"updated_at\":";
  AppendInt(out, m.updated_at_ms);
  out += ",\"last_sequence_number\":";
  AppendInt(out, m.last_sequence_number);
  out += ",\"segments\":[";
  for (size_t i = 0; i < m.segments.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendSegment(out, m.segments[i]);
  }
  out += "]}";
  return out;
}

Result<Manifest> DecodeManifest(std::string_view json) {
  simdjson::padded_string padded(json);
  element root;
  if (auto err = ThreadParser().parse(padded).get(root); err != simdjson::SUCCESS) {
    return Bad(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return Bad("top level must be an object");

  Manifest m;
  Required required({"table_id", "version", "created_at", "updated_at", "last_sequence_number",
                     "segments"});
  for (auto field : obj) {
    const std::string_view key = field.key;
    const element value = field.value;
    required.Mark(key);
    if (key == "table_id") {
      KALAM_ASSIGN_OR_RETURN(m.table_id, GetString(value, "table_id"));
      if (!IsTableIdText(m.table_id)) return Bad("table_id must be <namespace>.<table>");
    } else if (key == "user_id") {
      // Absent and null both mean a SHARED table's directory.
      if (value.is_null()) {
        m.user_id.reset();
      } else {
        KALAM_ASSIGN_OR_RETURN(m.user_id, GetString(value, "user_id"));
      }
    } else if (key == "version") {
      KALAM_ASSIGN_OR_RETURN(m.version, GetInt(value, "version"));
    } else if (key == "created_at") {
      KALAM_ASSIGN_OR_RETURN(m.created_at_ms, GetInt(value, "created_at"));
    } else if (key == "updated_at") {
      KALAM_ASSIGN_OR_RETURN(m.updated_at_ms, GetInt(value, "updated_at"));
    } else if (key == "last_sequence_number") {
      KALAM_ASSIGN_OR_RETURN(m.last_sequence_number, GetInt(value, "last_sequence_number"));
    } else if (key == "segments") {
      simdjson::dom::array segments;
      if (value.get_array().get(segments) != simdjson::SUCCESS) return Bad("segments must be an array");
      m.segments.clear();
      for (element seg : segments) {
        KALAM_ASSIGN_OR_RETURN(Segment entry, DecodeSegment(seg));
        m.segments.push_back(std::move(entry));
      }
    }
  }
  KALAM_RETURN_IF_ERROR(required.Check("manifest"));
  return m;
}

Result<Manifest> LoadManifest(FileBackend& files, std::string_view dir) {
  const std::string path = ManifestPath(dir);
  auto text = files.Read(path);
  if (!text.ok()) return text.status();
  auto manifest = DecodeManifest(*text);
  if (!manifest.ok()) return Status::Corruption(path + ": " + manifest.status().message());
  return manifest;
}

Status SaveManifest(FileBackend& files, std::string_view dir, Manifest& manifest, bool durable) {
  KALAM_RETURN_IF_ERROR(ValidateForSave(manifest));

  // Only these fields change here; they are restored when the save fails, so a retry with
  // the same object writes the same version.
  struct {
    int64_t version, created_at_ms, updated_at_ms, last_sequence_number;
  } const before{manifest.version, manifest.created_at_ms, manifest.updated_at_ms,
                 manifest.last_sequence_number};
  const int64_t now_ms = NowMicros() / 1000;
  manifest.version += 1;
  // A clock stepping back must not make a newer manifest look older.
  manifest.updated_at_ms = std::max(now_ms, manifest.updated_at_ms);
  if (manifest.created_at_ms == 0) manifest.created_at_ms = manifest.updated_at_ms;
  for (const Segment& seg : manifest.segments) {
    manifest.last_sequence_number = std::max(manifest.last_sequence_number, *ParseSegmentId(seg.id));
  }

  const std::string json = EncodeManifest(manifest);
  Status status = DecodeManifest(json).status();  // never write what LoadManifest would refuse
  if (status.ok()) {
    status = durable ? files.WriteAtomic(ManifestPath(dir), json) : WriteLocalFileUnsynced(files, ManifestPath(dir), json);
  }
  if (!status.ok()) {
    manifest.version = before.version;
    manifest.created_at_ms = before.created_at_ms;
    manifest.updated_at_ms = before.updated_at_ms;
    manifest.last_sequence_number = before.last_sequence_number;
    if (status.code() == StatusCode::kCorruption) return Status::InvalidArgument(status.message());
  }
  return status;
}

Status CleanupUncommitted(FileBackend& files, std::string_view dir, const Manifest& manifest,
                          std::vector<std::string>* removed) {
  auto listed = files.List(dir);
  if (!listed.ok()) {
    if (listed.status().code() == StatusCode::kNotFound) return Status::Ok();
    return listed.status();
  }
  const std::vector<std::string>& names = *listed;
  const bool has_manifest = std::find(names.begin(), names.end(), kManifestFileName) != names.end();
  std::set<std::string_view> listed_segments;
  for (const Segment& seg : manifest.segments) listed_segments.insert(seg.path);

  for (const std::string& name : names) {
    const bool temp = EndsWith(name, kTempSuffix);
    const bool orphan = has_manifest && ParseSegmentFileName(name).has_value() &&
                        listed_segments.count(name) == 0;
    if (!temp && !orphan) continue;
    Status s = files.Delete(JoinPath(dir, name));
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    if (removed != nullptr) removed->push_back(name);
  }
  return Status::Ok();
}

}  // namespace kalam::filestore
