#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kalam::api {

// An IPv4 or IPv6 address held as 16 bytes; IPv4 addresses are kept in their IPv4-mapped form
// (::ffff:a.b.c.d), so that a socket peer reported as v4-mapped and one reported as plain v4
// compare equal. Value type; thread-compatible.
class IpAddress {
 public:
  // Dotted IPv4 or textual IPv6 (an IPv6 zone suffix "%eth0" is ignored); nullopt otherwise.
  static std::optional<IpAddress> Parse(std::string_view text);
  // The address whose 16-byte (mapped) form is `bytes`.
  static IpAddress FromBytes(const std::array<uint8_t, 16>& bytes);

  bool is_v4() const;        // plain or v4-mapped IPv4
  bool is_loopback() const;  // 127.0.0.0/8 or ::1
  // Canonical text: dotted form for IPv4 (mapped ones included), RFC 5952 form otherwise.
  std::string ToString() const;

  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  bool operator==(const IpAddress& other) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

// A CIDR block of `security.trusted_proxy_ranges` (docs/sql-reference.md): "10.0.0.0/8", "::1/128",
// or a bare address (one host). An IPv4 block also matches the v4-mapped IPv6 form of its
// addresses. Value type; thread-compatible.
class IpRange {
 public:
  // nullopt for a malformed address or prefix length (beyond 32 for IPv4, 128 for IPv6).
  static std::optional<IpRange> Parse(std::string_view cidr);

  bool Contains(const IpAddress& address) const;

 private:
  IpAddress network_;      // host bits already cleared
  int prefix_bits_ = 128;  // over the 16-byte (mapped) form
};

// Whether `address` lies in any of `ranges`.
bool InAnyRange(const std::vector<IpRange>& ranges, const IpAddress& address);

}  // namespace kalam::api
