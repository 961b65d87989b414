#pragma once

// The table store's index entries and `_seq` high-water mark (docs/key-encoding.md), shared by
// its write path (table_store.cc) and its transaction commit (table_store_commit.cc).

#include <string>
#include <string_view>

#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/ids.h"

namespace kalam::tables {

inline constexpr std::string_view kSeqHighWaterKey = "ctr/seq";

// Index value: the newest version's seq and whether it is a tombstone.
inline std::string EncodeIndexEntry(SeqId seq, bool deleted) {
  std::string out;
  ByteWriter w(&out);
  w.U64BE(static_cast<uint64_t>(seq));
  w.U8(deleted ? 1 : 0);
  return out;
}

inline bool DecodeIndexEntry(std::string_view bytes, SeqId* seq, bool* deleted) {
  ByteReader r(bytes);
  uint64_t s = 0;
  uint8_t d = 0;
  if (!r.U64BE(&s) || !r.U8(&d)) return false;
  *seq = static_cast<SeqId>(s);
  *deleted = d != 0;
  return true;
}

inline std::string SeqHighWater(SeqId seq) {
  std::string out;
  ByteWriter(&out).U64BE(static_cast<uint64_t>(seq));
  return out;
}

}  // namespace kalam::tables
