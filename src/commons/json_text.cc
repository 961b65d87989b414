#include "kalam/commons/json_text.h"

#include <array>

namespace kalam {
namespace {

// Bytes the fast loop of AppendJsonString cannot copy blindly: control characters, `"`, `\`
// and every non-ASCII byte (validated as UTF-8 before it is copied).
constexpr std::array<bool, 256> MakeSpecialTable() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  for (int c = 0x80; c < 0x100; ++c) table[c] = true;
  return table;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecialTable();

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at `p` (lead byte >= 0x80), or minus the
// length of its maximal invalid subpart (at least 1), per Unicode Table 3-7.
inline int Utf8Sequence(const unsigned char* p, size_t available) {
  const unsigned char lead = p[0];
  int length;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return -1;  // continuation byte without a lead, overlong lead C0/C1, or F5..FF
  }
  if (available < 2 || p[1] < lo || p[1] > hi) return -1;
  for (int k = 2; k < length; ++k) {
    if (static_cast<size_t>(k) >= available || p[k] < 0x80 || p[k] > 0xBF) return -k;
  }
  return length;
}

inline void AppendEscapedAscii(unsigned char c, std::string* out) {
  switch (c) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    default: {
      const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(escaped, sizeof(escaped));
    }
  }
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out->reserve(out->size() + n + 2);
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (!kSpecial[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const int length = Utf8Sequence(p + i, n - i);
      if (length > 0) {
        i += length;  // valid: stays part of the run
        continue;
      }
      out->append(text.data() + run, i - run);
      out->append(kReplacementChar);
      i += -length;
    } else {
      out->append(text.data() + run, i - run);
      AppendEscapedAscii(c, out);
      ++i;
    }
    run = i;
  }
  out->append(text.data() + run, n - run);
  out->push_back('"');
}

}  // namespace kalam
