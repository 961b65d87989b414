#pragma once

#include <cstdint>
#include <string_view>

namespace kalam::live {

// SQL LIKE and ILIKE as DuckDB evaluates them, for the row filter's `[NOT] LIKE / ILIKE
// [ESCAPE c]`: `%` matches any sequence of characters, `_` exactly one UTF-8 character,
// `escape` (a byte, or -1 for none) makes the next pattern byte literal, every other byte
// matches itself. A pattern that ends in a lone escape (which DuckDB refuses) matches nothing.
//
// These run on the shared delivery path for every changed row, with patterns a client chose,
// so their cost must not grow with text length times pattern length. The pattern is cut at
// each unescaped `%` into segments; the first is anchored at the start of the text, the last
// at its end, and each one between is placed at its leftmost fit after the one before. That
// greedy placement is exact for LIKE: a segment matches a fixed number of characters, so the
// leftmost fit leaves the most text to the segments after it. A segment without `_` (escapes
// taken out) is found with memmem (glibc's two-way search: linear in text plus segment); one
// holding `_` is tried at each character position from the next occurrence of its first byte,
// so only such segments can cost up to text × segment length, which the subscription size
// limit (`websocket.max_subscription_sql_bytes`) bounds. Text is assumed to be valid UTF-8
// (DuckDB's VARCHAR always is); other bytes are handled safely but may match differently.

// Work done by matches, for tests that pin the matcher's cost without timing it: one step
// per pattern element compared, per candidate position tried, and per text byte scanned.
struct LikeCost {
  uint64_t steps = 0;
};

bool LikeMatch(std::string_view text, std::string_view pattern, int escape, LikeCost* cost = nullptr);

// ILIKE: text and pattern are lowercased with DuckDB's Unicode tables (into per-thread
// buffers, so only a thread's first or longest use allocates), then matched as LIKE.
bool ILikeMatch(std::string_view text, std::string_view pattern, int escape, LikeCost* cost = nullptr);

}  // namespace kalam::live
