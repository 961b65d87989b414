#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/status.h"
#include "kalam/filestore/file_backend.h"

namespace kalam::filestore {

// The `manifest.json` of one cold-tier directory (docs/cold-tier.md): which Parquet segments of
// one table scope (a USER table's user, or a SHARED table) are committed, with the statistics
// used to skip them. The manifest is the commit point of a flush: a segment file exists for
// readers only once a saved manifest lists it.
//
// JSON shape (keys always in this order, compact, times in ms):
//   {"table_id":"app.messages","user_id":"alice"|null,"version":3,"created_at":…,
//    "updated_at":…,"last_sequence_number":N|-1,"segments":[{"id":"batch-0",
//    "path":"batch-0.parquet","min_seq":…,"max_seq":…,"flushed_upto_seq":…,"row_count":…,
//    "size_bytes":…,"created_at":…,"schema_version":1,"status":"committed",
//    "column_stats":{"0":{"min":…,"max":…,"null_count":0},…}}]}

inline constexpr std::string_view kManifestFileName = "manifest.json";

enum class SegmentStatus { kInProgress, kCommitted, kTombstone };

std::string_view SegmentStatusName(SegmentStatus status);  // "in_progress", "committed", "tombstone"
std::optional<SegmentStatus> ParseSegmentStatus(std::string_view text);

// Min, max and null count of one column within a segment. `min_json` / `max_json` are JSON
// text, already encoded by the caller (the encoding of docs/value-encoding.md; `_seq` as a plain number), written
// verbatim and read back as the minified JSON of the value; "null" when unknown (e.g. every
// value was NULL).
struct ColumnStats {
  std::string min_json = "null";
  std::string max_json = "null";
  int64_t null_count = 0;

  bool operator==(const ColumnStats&) const = default;
};

// Orders column-id keys numerically ("2" before "10") when they are decimal, so the JSON lists
// columns as a person expects; any other key sorts after them, bytewise.
struct ColumnKeyLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// Keyed by column id as decimal text; `_seq` is "0" (ColumnStatsKey).
using ColumnStatsMap = std::map<std::string, ColumnStats, ColumnKeyLess>;

inline constexpr uint32_t kSeqColumnId = 0;
std::string ColumnStatsKey(uint32_t column_id);

// One Parquet file of the directory.
struct Segment {
  std::string id;    // "batch-N"
  std::string path;  // file name inside the manifest's directory, "batch-N.parquet"
  SeqId min_seq = 0;
  SeqId max_seq = 0;
  // Every hot version of the scope with `_seq` <= this was covered by the flush that wrote
  // the segment, so crash recovery may delete those hot versions.
  SeqId flushed_upto_seq = 0;
  int64_t row_count = 0;
  int64_t size_bytes = 0;
  int64_t created_at_ms = 0;
  uint32_t schema_version = 1;
  SegmentStatus status = SegmentStatus::kCommitted;
  ColumnStatsMap column_stats;

  bool operator==(const Segment&) const = default;
};

// Mirrors the file: ids are kept in their JSON text form (`TableId::ToString()`, the user id),
// since the manifest records what a directory holds rather than being a key for lookups.
struct Manifest {
  std::string table_id;                // "<namespace>.<table>"
  std::optional<std::string> user_id;  // nullopt (JSON null) for SHARED tables
  int64_t version = 0;            // bumped by every SaveManifest
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  // N of the newest segment ever listed, -1 when none. Never decreases, so batch numbers are
  // not reused even after segments are removed from the list.
  int64_t last_sequence_number = -1;
  std::vector<Segment> segments;

  bool operator==(const Manifest&) const = default;
};

// File names of segment N: "batch-N", "batch-N.parquet", "batch-N.parquet.tmp".
std::string SegmentId(int64_t n);
std::string SegmentFileName(int64_t n);
std::string TempFileName(int64_t n);
// N of "batch-N" / "batch-N.parquet" (canonical decimal, no sign or leading zeros), else nullopt.
std::optional<int64_t> ParseSegmentId(std::string_view id);
std::optional<int64_t> ParseSegmentFileName(std::string_view name);

// The N the next flush of this directory writes: one past the highest N the manifest has
// seen (its `last_sequence_number` and every segment id); 0 for a new manifest.
int64_t NextBatchNumber(const Manifest& manifest);

std::string EncodeManifest(const Manifest& manifest);
// Corruption for anything that is not a well-formed manifest: invalid JSON, a missing or
// mistyped field, an unknown status, a segment path that is not a plain file name (a tampered
// manifest must not point readers or cleanup outside its directory). Unknown keys are ignored.
Result<Manifest> DecodeManifest(std::string_view json);

// Reads `dir`/manifest.json ("" = the base). NotFound when there is none.
Result<Manifest> LoadManifest(FileBackend& files, std::string_view dir);

// Writes `manifest` as `dir`/manifest.json, atomically (FileBackend::WriteAtomic). Before
// writing: bumps `version`, sets `updated_at_ms` to now (and `created_at_ms` when 0), raises
// `last_sequence_number` to the highest segment N. Refuses (InvalidArgument) a manifest whose
// JSON would not decode, e.g. bad `min_json`. On failure `manifest` is left as it was.
// With `durable` false (a local `files` only) the file is written in place, unsynced: for a
// backup, whose backup.json commits everything at once (file_digest.h).
Status SaveManifest(FileBackend& files, std::string_view dir, Manifest& manifest, bool durable = true);

// Crash recovery for one directory (docs/cold-tier.md): deletes every "*.tmp" file and every
// "batch-N.parquet" the manifest does not list. `manifest` must be the one loaded from `dir`.
// As a guard against turning a lost manifest into lost data, Parquet files are only deleted
// when `dir` holds a manifest.json; without one only temp files go (the caller rebuilds the
// manifest from the Parquet footers). A missing `dir` is Ok. Names of deleted files are
// appended to `removed` when given. Not safe to run while a flush of `dir` is in progress.
Status CleanupUncommitted(FileBackend& files, std::string_view dir, const Manifest& manifest,
                          std::vector<std::string>* removed = nullptr);

}  // namespace kalam::filestore
