#include "kalam/api/ip_range.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace kalam::api {
namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// The mask of byte `index` under a prefix of `prefix_bits` over 16 bytes.
uint8_t PrefixMask(int prefix_bits, int index) {
  const int keep = std::clamp(prefix_bits - index * 8, 0, 8);
  return keep == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
}

}  // namespace

IpAddress IpAddress::FromBytes(const std::array<uint8_t, 16>& bytes) {
  IpAddress out;
  out.bytes_ = bytes;
  return out;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (const size_t zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  // inet_pton wants a NUL-terminated string; the longest textual IPv6 form fits in 46 bytes.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress out;
  in_addr v4;
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    std::memcpy(out.bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    std::memcpy(out.bytes_.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(out.bytes_.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IpAddress::is_v4() const {
  return std::memcmp(bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[12] == 127;
  for (size_t i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[15] == 1;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes_.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  }
  return buffer;
}

std::optional<IpRange> IpRange::Parse(std::string_view cidr) {
  while (!cidr.empty() && cidr.front() == ' ') cidr.remove_prefix(1);
  while (!cidr.empty() && cidr.back() == ' ') cidr.remove_suffix(1);
  const size_t slash = cidr.find('/');
  auto address = IpAddress::Parse(cidr.substr(0, slash));
  if (!address) return std::nullopt;
  const int max_bits = address->is_v4() ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = cidr.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > max_bits) {
      return std::nullopt;
    }
  }
  IpRange range;
  range.prefix_bits_ = address->is_v4() ? bits + 96 : bits;
  // Clear the host bits so Contains can compare masked bytes directly.
  std::array<uint8_t, 16> bytes = address->bytes();
  for (int i = 0; i < 16; ++i) bytes[i] &= PrefixMask(range.prefix_bits_, i);
  range.network_ = IpAddress::FromBytes(bytes);
  return range;
}

bool IpRange::Contains(const IpAddress& address) const {
  const auto& a = address.bytes();
  const auto& n = network_.bytes();
  for (int i = 0; i < 16; ++i) {
    if ((a[i] & PrefixMask(prefix_bits_, i)) != n[i]) return false;
  }
  return true;
}

bool InAnyRange(const std::vector<IpRange>& ranges, const IpAddress& address) {
  for (const IpRange& range : ranges) {
    if (range.Contains(address)) return true;
  }
  return false;
}

}  // namespace kalam::api
