#include "like_matcher.h"

#include <string.h>  // memmem (a GNU extension, declared by glibc's string.h)

#include <algorithm>
#include <cstring>
#include <string>

#include "duckdb/common/typedefs.hpp"

// DuckDB's Unicode lowercasing (LOWER(), ILIKE), exported by libduckdb. Declared here because
// its header, duckdb/function/scalar/string_common.hpp, includes one the pinned headers lack.
namespace duckdb {
idx_t LowerLength(const char* input_data, idx_t input_length);
void LowerCase(const char* input_data, idx_t input_length, char* result_data);
}  // namespace duckdb

namespace kalam::live {
namespace {

constexpr size_t kNoMatch = std::string_view::npos;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes of the UTF-8 character at `at` (1 for a stray continuation byte), cut at the end.
size_t CharLength(std::string_view text, size_t at) {
  const unsigned char lead = text[at];
  size_t length = 1;
  if ((lead & 0xE0) == 0xC0) length = 2;
  if ((lead & 0xF0) == 0xE0) length = 3;
  if ((lead & 0xF8) == 0xF0) length = 4;
  return std::min(length, text.size() - at);
}

// Pattern bytes [begin, end) between two unescaped `%` (or the pattern's ends). `literal`: no
// unescaped `_`, so the segment matches one fixed byte string; `escaped`: it holds escapes.
struct Segment {
  size_t begin = 0;
  size_t end = 0;
  bool literal = true;
  bool escaped = false;
};

// The segment that starts at `p`. The escape is tested first, so an escape of `%` or `_`
// makes those literal.
Segment SegmentAt(std::string_view pattern, size_t p, int escape) {
  Segment s{p, p, true, false};
  while (s.end < pattern.size()) {
    const unsigned char c = pattern[s.end];
    if (escape >= 0 && c == escape) {
      if (s.end + 1 == pattern.size()) s.literal = false;  // a lone escape at the end matches nothing
      s.escaped = true;
      s.end = std::min(s.end + 2, pattern.size());
      continue;
    }
    if (c == '%') break;
    if (c == '_') s.literal = false;
    ++s.end;
  }
  return s;
}

// The bytes a literal segment matches: the pattern's own, or with escapes taken out (into a
// per-thread buffer).
std::string_view LiteralBytes(std::string_view pattern, Segment seg, int escape) {
  const std::string_view raw = pattern.substr(seg.begin, seg.end - seg.begin);
  if (!seg.escaped) return raw;
  thread_local std::string unescaped;
  unescaped.clear();
  for (size_t p = 0; p < raw.size(); ++p) {
    if (escape >= 0 && static_cast<unsigned char>(raw[p]) == escape) ++p;
    unescaped.push_back(raw[p]);
  }
  return unescaped;
}

// Where the segment's match that starts at text[t] ends, or kNoMatch.
size_t MatchAt(std::string_view text, size_t t, std::string_view pattern, Segment seg, int escape,
               uint64_t& steps) {
  for (size_t p = seg.begin; p < seg.end; ++p) {
    ++steps;
    if (t >= text.size()) {
      // DuckDB's quirk, kept for identical answers: with `%` as the escape, `%`s left over
      // once the text is used up match the empty rest, as wildcards would.
      const bool only_percents = pattern.find_first_not_of('%', p) >= seg.end;
      return escape == '%' && only_percents ? t : kNoMatch;
    }
    const unsigned char c = pattern[p];
    if (escape >= 0 && c == escape) {
      if (++p == seg.end) return kNoMatch;  // a lone escape at the end matches nothing
      if (text[t] != pattern[p]) return kNoMatch;
      ++t;
    } else if (c == '_') {
      t += CharLength(text, t);
    } else {
      if (static_cast<unsigned char>(text[t]) != c) return kNoMatch;
      ++t;
    }
  }
  return t;
}

// The byte every match of the segment starts with, or -1 when it starts with `_`.
int FirstByte(std::string_view pattern, Segment seg, int escape) {
  const unsigned char c = pattern[seg.begin];
  if (escape >= 0 && c == escape) return seg.begin + 1 < seg.end ? static_cast<unsigned char>(pattern[seg.begin + 1]) : -1;
  return c == '_' ? -1 : c;
}

// The leftmost start at or after `from` where the (non-empty) segment matches; its end in
// `*end`. kNoMatch when there is none.
size_t FindSegment(std::string_view text, size_t from, std::string_view pattern, Segment seg, int escape,
                   uint64_t& steps, size_t* end) {
  if (seg.literal) {
    const std::string_view bytes = LiteralBytes(pattern, seg, escape);
    const size_t length = bytes.size();
    steps += text.size() - from + seg.end - seg.begin;
    const void* hit = memmem(text.data() + from, text.size() - from, bytes.data(), length);
    if (hit == nullptr) return kNoMatch;
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    *end = at + length;
    return at;
  }
  const int first = FirstByte(pattern, seg, escape);
  for (size_t s = from; s < text.size(); s += CharLength(text, s)) {
    if (first >= 0) {
      const void* hit = memchr(text.data() + s, first, text.size() - s);
      const size_t at = hit == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(hit) - text.data());
      steps += at - s;
      if (hit == nullptr) return kNoMatch;
      s = at;
    }
    ++steps;
    const size_t e = MatchAt(text, s, pattern, seg, escape, steps);
    if (e != kNoMatch) {
      *end = e;
      return s;
    }
  }
  return kNoMatch;
}

// Whether the (non-empty) last segment matches the end of the text, starting at or after
// `from`. A segment matches a fixed number of characters, so only one start can fit: that
// many characters before the end.
bool MatchSuffix(std::string_view text, size_t from, std::string_view pattern, Segment seg, int escape,
                 uint64_t& steps) {
  size_t chars = 0;
  for (size_t p = seg.begin; p < seg.end; ++p) {
    unsigned char c = pattern[p];
    if (escape >= 0 && c == escape) {
      if (++p == seg.end) return false;
      c = pattern[p];
      if (!IsContinuation(c)) ++chars;
    } else if (c == '_' || !IsContinuation(c)) {
      ++chars;
    }
  }
  steps += seg.end - seg.begin;
  size_t start = text.size();
  for (size_t i = 0; i < chars; ++i) {
    if (start == from) return false;
    --start;
    while (start > from && IsContinuation(text[start])) --start;
  }
  steps += text.size() - start;
  return MatchAt(text, start, pattern, seg, escape, steps) == text.size();
}

bool Match(std::string_view text, std::string_view pattern, int escape, uint64_t& steps) {
  const Segment head = SegmentAt(pattern, 0, escape);
  const size_t head_end = MatchAt(text, 0, pattern, head, escape, steps);
  if (head_end == kNoMatch) return false;
  if (head.end == pattern.size()) return head_end == text.size();  // no `%`
  size_t t = head_end;
  size_t p = head.end;
  while (true) {
    while (p < pattern.size() && pattern[p] == '%') ++p;
    if (p == pattern.size()) return true;  // a trailing `%` takes the rest
    const Segment seg = SegmentAt(pattern, p, escape);
    if (seg.end == pattern.size()) return MatchSuffix(text, t, pattern, seg, escape, steps);
    size_t end = 0;
    if (FindSegment(text, t, pattern, seg, escape, steps, &end) == kNoMatch) return false;
    t = end;
    p = seg.end;
  }
}

std::string_view LowerInto(std::string_view s, std::string& buffer) {
  buffer.resize(duckdb::LowerLength(s.data(), s.size()));
  duckdb::LowerCase(s.data(), s.size(), buffer.data());
  return buffer;
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern, int escape, LikeCost* cost) {
  uint64_t steps = 0;
  const bool matched = Match(text, pattern, escape, steps);
  if (cost != nullptr) cost->steps += steps;
  return matched;
}

bool ILikeMatch(std::string_view text, std::string_view pattern, int escape, LikeCost* cost) {
  thread_local std::string lowered_text;
  thread_local std::string lowered_pattern;
  return LikeMatch(LowerInto(text, lowered_text), LowerInto(pattern, lowered_pattern), escape, cost);
}

}  // namespace kalam::live
