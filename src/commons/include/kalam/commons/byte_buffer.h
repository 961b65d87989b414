#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kalam {

// Appends fixed-width and length-prefixed fields to a byte string. Big-endian helpers keep
// keys ordered bytewise; little-endian (native) is used inside values.
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}

  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U32BE(uint32_t v) {
    char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out_->append(b, 4);
  }
  void U64BE(uint64_t v) { U32BE(uint32_t(v >> 32)); U32BE(uint32_t(v)); }
  template <typename T>
  void Raw(const T& v) { out_->append(reinterpret_cast<const char*>(&v), sizeof(T)); }
  void Bytes(std::string_view s) { Varint(s.size()); out_->append(s.data(), s.size()); }
  void Varint(uint64_t v) {
    while (v >= 0x80) { U8(uint8_t(v) | 0x80); v >>= 7; }
    U8(uint8_t(v));
  }

 private:
  std::string* out_;
};

// Reads what ByteWriter wrote. Every getter returns false on truncated input instead of
// reading past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool U8(uint8_t* v) { if (p_ >= end_) return false; *v = uint8_t(*p_++); return true; }
  bool U32BE(uint32_t* v) {
    if (end_ - p_ < 4) return false;
    const auto* u = reinterpret_cast<const unsigned char*>(p_);
    *v = (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | u[3];
    p_ += 4;
    return true;
  }
  bool U64BE(uint64_t* v) {
    uint32_t hi, lo;
    if (!U32BE(&hi) || !U32BE(&lo)) return false;
    *v = (uint64_t(hi) << 32) | lo;
    return true;
  }
  template <typename T>
  bool Raw(T* v) {
    if (size_t(end_ - p_) < sizeof(T)) return false;
    std::memcpy(v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63 && p_ < end_; shift += 7) {
      uint8_t b = uint8_t(*p_++);
      result |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) { *v = result; return true; }
    }
    return false;
  }
  bool Bytes(std::string_view* s) {
    uint64_t n;
    if (!Varint(&n) || uint64_t(end_ - p_) < n) return false;
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool String(std::string* s) {
    std::string_view v;
    if (!Bytes(&v)) return false;
    s->assign(v);
    return true;
  }
  bool Skip(size_t n) { if (size_t(end_ - p_) < n) return false; p_ += n; return true; }
  bool AtEnd() const { return p_ == end_; }
  size_t remaining() const { return size_t(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace kalam
