#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/status.h"

namespace kalam {

// Named fault-injection points compiled into the storage code paths, in the manner of
// RocksDB's fault-injection file system and sync points: a test arms a point with an errno
// (ENOSPC for a full disk, EIO for a failing fsync), the code at that point fails as the
// system call would have, and disarming heals it. See docs/cold-tier.md, "Failures".
//
// Free when unused: FailpointCheck is one relaxed atomic load of the point's slot. Armed,
// a point fires on every hit until disarmed; an optional path filter limits it to the files
// whose path contains a substring (e.g. "manifest.json", ".log").
//
// Reachable from tests and from the test build of the server (kalamdb-server-failpoints),
// never from a client: the production server has no way to arm a point. Thread-safe.
enum class Failpoint : uint8_t {
  kStoreWalAppend,        // "store.wal_append": an append to a RocksDB write-ahead log
  kStoreWalSync,          // "store.wal_sync": a sync of a RocksDB write-ahead log
  kStoreTableWrite,       // "store.table_write": an append or sync of any other RocksDB file
                          // (SST, MANIFEST, OPTIONS): memtable flushes and compactions
  kFilestoreWrite,        // "filestore.write": the data write of FileBackend::WriteAtomic
                          // (manifest saves)
  kFilestoreSync,         // "filestore.sync": an fsync of a file by the file backend
                          // (WriteAtomic, and SyncFile of a written Parquet segment)
  kParquetWrite,          // "filestore.parquet_write": the Parquet writer of a flush or rewrite
  // Steps of the real flush and retention code, between their durable effects:
  kFlushSegmentWritten,   // "flush.segment_written": segment written and synced under its temp name
  kFlushSegmentRenamed,   // "flush.segment_renamed": segment under its final name, manifest not saved
  kFlushManifestSaved,    // "flush.manifest_saved": manifest commits the segment, hot versions not deleted
  kRetentionSegmentWritten,  // "retention.segment_written": rewritten segment renamed, manifest not saved
  kRetentionManifestSaved,   // "retention.manifest_saved": manifest swapped, hot tombstones not purged
  kSqlStatement,          // "sql.statement": a statement of a request is about to run (the
                          // filter matches its text)
  // Steps of ALTER TABLE, around its one durable effect:
  kAlterValidated,        // "alter.validated": the next definition is checked, nothing is stored
  kAlterStored,           // "alter.stored": the next schema version is stored, not yet published
  kBackupFilesWritten,    // "backup.files_written": a backup's data and catalog written, backup.json not yet
  kRestoreFilesCopied,    // "restore.files_copied": a restore's files copied, catalog not yet written
};
inline constexpr size_t kFailpointCount = 16;

// The exit code of a process stopped by a point armed with "crash".
inline constexpr int kFailpointCrashExitCode = 86;
// The armed value of "crash": the process ends at the point at once, with no cleanup (as
// under SIGKILL), leaving on disk exactly what the steps before it made durable.
inline constexpr int kFailpointCrash = -1;
// The armed value of "pause": a thread reaching the point waits there until the point is
// armed otherwise or disarmed (then it goes on as that says), so a test can hold a flush or a
// statement in flight at a known step.
inline constexpr int kFailpointPause = -2;

std::string_view FailpointName(Failpoint point);
std::optional<Failpoint> FailpointFromName(std::string_view name);

namespace failpoint_detail {
// The errno each point is armed with; 0 = disarmed. The only state the fast path reads.
extern std::array<std::atomic<int>, kFailpointCount> armed_errno;
int CheckArmed(Failpoint point, std::string_view path);
}  // namespace failpoint_detail

// The errno to fail with at `point` for a file at `path`, or 0 to go on. Counts a hit when
// the point fires.
inline int FailpointCheck(Failpoint point, std::string_view path = {}) {
  // Relaxed is enough: arming is not ordered with the I/O of other threads; a test that arms
  // a point waits for its effect (FailpointHits) rather than for the store itself.
  if (failpoint_detail::armed_errno[static_cast<size_t>(point)].load(std::memory_order_relaxed) == 0) return 0;
  return failpoint_detail::CheckArmed(point, path);
}

// At a step point: Ok, or IoError naming the point when it is armed with an errno (after any
// pause).
Status CheckStepFailpoint(Failpoint point, std::string_view path = {});

// Arms `point` to fail with `error` (an errno, e.g. ENOSPC or EIO; kFailpointCrash ends the
// process there; 0 disarms), at files whose path contains `path_filter` ("" = every file).
void ArmFailpoint(Failpoint point, int error, std::string path_filter = {});
void DisarmFailpoint(Failpoint point);
void DisarmAllFailpoints();
// How many times `point` has fired since the process started.
uint64_t FailpointHits(Failpoint point);
// "name=hits" for every point that has fired, one per line: what the server's test build
// reports to its tests.
std::string FailpointHitsText();

// "name=ENOSPC[:filter]" / "name=EIO[:filter]" / "name=crash[:filter]" / "name=pause[:filter]" /
// "name=off", one per line: the control text
// of the server's test build. Applies every line or, on the first bad one, none
// (InvalidArgument naming the line). Lines that are empty or start with '#' are skipped.
Status ApplyFailpointSpec(std::string_view spec);

}  // namespace kalam
