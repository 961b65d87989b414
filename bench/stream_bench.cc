// STREAM buffers in-process (tables::StreamBuffers, no server): the memory one buffered
// 100-byte row takes and the cost of an eviction pass.
//
//   memory    --users U (default 1000) × --rows R (default 1000) rows of (BIGINT, TEXT) whose
//             encoded size is about 100 bytes. Reports the heap the process gained per row
//             (glibc mallinfo2, arena bytes in use, before and after) next to the figure the
//             buffers account (`stream_buffered_bytes` / rows).
//   eviction  the same rows, then EvictExpired: once before the TTL (a pass that finds
//             nothing: the cost of visiting every buffer) and once after it (frees every row).
//             Reports ms per pass and ns per row freed, --reps times (median).
//
// Usage: bench_stream [--users 1000] [--rows 1000] [--reps 3]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/seq_generator.h"
#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/row_codec.h"
#include "kalam/tables/stream_buffers.h"
#include "kalam/tables/table_store.h"

namespace {

using kalam::SeqGenerator;
using kalam::tables::StreamBuffers;

struct Options {
  int users = 1000;
  int rows = 1000;
  int reps = 3;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next = [&] {
      if (i + 1 >= argc) {
        fprintf(stderr, "bench_stream: %s needs a value\n", argv[i]);
        exit(64);
      }
      return std::atoi(argv[++i]);
    };
    if (arg == "--users") {
      o.users = next();
    } else if (arg == "--rows") {
      o.rows = next();
    } else if (arg == "--reps") {
      o.reps = next();
    } else {
      fprintf(stderr, "usage: bench_stream [--users 1000] [--rows 1000] [--reps 3]\n");
      exit(64);
    }
  }
  return o;
}

std::shared_ptr<kalam::TableDefinition> TypingTable() {
  auto def = std::make_shared<kalam::TableDefinition>();
  def->id = kalam::TableId{kalam::NamespaceId("bench"), kalam::TableName("typing")};
  def->number = 1;
  def->type = kalam::TableType::kStream;
  def->options.ttl_seconds = 60;
  def->options.max_buffer = 1000000;
  for (auto [name, kind] : {std::pair{"pos", kalam::TypeKind::kBigInt}, std::pair{"body", kalam::TypeKind::kText}}) {
    kalam::ColumnDefinition c;
    c.name = name;
    c.type = kalam::DataType{kind, 0, 0};
    def->columns.push_back(std::move(c));
  }
  return def;
}

size_t HeapInUse() { return mallinfo2().uordblks; }

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Fills `buffers` with users × rows rows; each row is encoded to 100 bytes.
void Fill(const Options& o, StreamBuffers& buffers, const kalam::TableDefinition& def, int64_t now_ms) {
  // 8 (BIGINT) + 1 (length varint) + body; the header is 1 + 1 + 1 + 8 + 1 + 1 bytes.
  const std::string body(100 - 13 - 8 - 1, 'x');
  std::vector<std::vector<duckdb::Value>> row = {{duckdb::Value::BIGINT(1), duckdb::Value(body)}};
  for (int u = 0; u < o.users; ++u) {
    const std::string user = "user_" + std::to_string(u);
    for (int r = 0; r < o.rows; ++r) {
      auto inserted = buffers.Insert(def, user, row, now_ms);
      if (!inserted.ok()) {
        fprintf(stderr, "insert failed: %s\n", inserted.status().message().c_str());
        exit(1);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  kalam::TempDir dir;
  auto backend = kalam::store::StorageBackend::Open(dir.path(), kalam::store::StoreOptions{});
  if (!backend.ok()) return 1;
  SeqGenerator seq;
  auto store = kalam::tables::TableStore::Open(**backend, seq);
  if (!store.ok()) return 1;
  auto def = TypingTable();
  const uint64_t total_rows = static_cast<uint64_t>(o.users) * static_cast<uint64_t>(o.rows);
  {
    std::string encoded;
    kalam::tables::EncodeRow(*def, {duckdb::Value::BIGINT(1), duckdb::Value(std::string(78, 'x'))}, false, 0, &encoded);
    printf("== bench_stream users=%d rows/user=%d (%llu rows), encoded row %zu bytes\n", o.users, o.rows,
           static_cast<unsigned long long>(total_rows), encoded.size());
  }

  std::vector<double> fill_ms, empty_pass_ms, full_pass_ms;
  for (int rep = 0; rep < o.reps; ++rep) {
    auto buffers = std::make_unique<StreamBuffers>(**store, seq, UINT64_MAX);
    malloc_trim(0);
    const size_t heap_before = HeapInUse();
    const int64_t now_ms = SeqGenerator::MillisOf(seq.Next());
    auto start = std::chrono::steady_clock::now();
    Fill(o, *buffers, *def, now_ms);
    fill_ms.push_back(MillisSince(start));
    const size_t heap_after = HeapInUse();
    const auto totals = buffers->Totals();
    if (rep == 0) {
      printf("   memory: heap +%.1f B/row (mallinfo2), accounted %.1f B/row (stream_buffered_bytes %llu)\n",
             static_cast<double>(heap_after - heap_before) / static_cast<double>(total_rows),
             static_cast<double>(totals.bytes) / static_cast<double>(totals.rows),
             static_cast<unsigned long long>(totals.bytes));
    }
    start = std::chrono::steady_clock::now();
    auto none = buffers->EvictExpired(now_ms);
    empty_pass_ms.push_back(MillisSince(start));
    const int64_t later = SeqGenerator::MillisOf(seq.Last()) + 60 * 1000;
    start = std::chrono::steady_clock::now();
    auto freed = buffers->EvictExpired(later);
    full_pass_ms.push_back(MillisSince(start));
    if (none.rows != 0 || freed.rows != total_rows || buffers->Totals().bytes != 0) {
      fprintf(stderr, "eviction freed %llu (expected 0) then %llu (expected %llu)\n",
              static_cast<unsigned long long>(none.rows), static_cast<unsigned long long>(freed.rows),
              static_cast<unsigned long long>(total_rows));
      return 1;
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  printf("   insert: %.0f ms for %llu rows (%.0f ns/row, one row per call), median of %d\n", median(fill_ms),
         static_cast<unsigned long long>(total_rows), median(fill_ms) * 1e6 / static_cast<double>(total_rows), o.reps);
  printf("   eviction pass, nothing expired: %.2f ms (%d buffers)\n", median(empty_pass_ms), o.users);
  printf("   eviction pass, all expired:     %.1f ms (%.0f ns/row freed)\n", median(full_pass_ms),
         median(full_pass_ms) * 1e6 / static_cast<double>(total_rows));
  return 0;
}
