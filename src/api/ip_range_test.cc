#include "kalam/api/ip_range.h"

#include <gtest/gtest.h>

namespace kalam::api {
namespace {

IpAddress Ip(const char* text) {
  auto ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress());
}

TEST(IpAddressTest, ParsesAndPrintsBothFamilies) {
  EXPECT_EQ(Ip("192.0.2.1").ToString(), "192.0.2.1");
  EXPECT_EQ(Ip("2001:DB8::1").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("fe80::1%eth0").ToString(), "fe80::1");
  // A v4-mapped IPv6 address is the IPv4 address.
  EXPECT_EQ(Ip("::ffff:10.1.2.3"), Ip("10.1.2.3"));
  EXPECT_EQ(Ip("::ffff:10.1.2.3").ToString(), "10.1.2.3");
  for (const char* bad : {"", "1.2.3", "1.2.3.256", "localhost", "1.2.3.4 ", "::g", "1.2.3.4/8"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).has_value()) << bad;
  }
}

TEST(IpAddressTest, Loopback) {
  EXPECT_TRUE(Ip("127.0.0.1").is_loopback());
  EXPECT_TRUE(Ip("127.255.0.9").is_loopback());
  EXPECT_TRUE(Ip("::1").is_loopback());
  EXPECT_TRUE(Ip("::ffff:127.0.0.1").is_loopback());
  EXPECT_FALSE(Ip("128.0.0.1").is_loopback());
  EXPECT_FALSE(Ip("::2").is_loopback());
  EXPECT_FALSE(Ip("::").is_loopback());
}

TEST(IpRangeTest, Ipv4Blocks) {
  auto range = IpRange::Parse("10.0.0.0/8");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(Ip("10.200.3.4")));
  EXPECT_TRUE(range->Contains(Ip("::ffff:10.0.0.1")));
  EXPECT_FALSE(range->Contains(Ip("11.0.0.1")));
  EXPECT_FALSE(range->Contains(Ip("::a00:1")));  // IPv4-compatible, not mapped

  auto odd = IpRange::Parse("192.168.1.77/25");  // host bits are ignored
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->Contains(Ip("192.168.1.0")));
  EXPECT_TRUE(odd->Contains(Ip("192.168.1.127")));
  EXPECT_FALSE(odd->Contains(Ip("192.168.1.128")));

  auto host = IpRange::Parse("203.0.113.5");
  ASSERT_TRUE(host);
  EXPECT_TRUE(host->Contains(Ip("203.0.113.5")));
  EXPECT_FALSE(host->Contains(Ip("203.0.113.6")));

  auto all = IpRange::Parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Contains(Ip("8.8.8.8")));
  EXPECT_FALSE(all->Contains(Ip("2001:db8::1")));
}

TEST(IpRangeTest, Ipv6Blocks) {
  auto range = IpRange::Parse("2001:db8::/32");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(Ip("2001:db8:ffff::1")));
  EXPECT_FALSE(range->Contains(Ip("2001:db9::1")));
  auto loopback = IpRange::Parse("::1/128");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->Contains(Ip("::1")));
  EXPECT_FALSE(loopback->Contains(Ip("127.0.0.1")));
  auto nibble = IpRange::Parse("fd00::/7");
  ASSERT_TRUE(nibble);
  EXPECT_TRUE(nibble->Contains(Ip("fc12::1")));
  EXPECT_TRUE(nibble->Contains(Ip("fdff::1")));
  EXPECT_FALSE(nibble->Contains(Ip("fe00::1")));
}

TEST(IpRangeTest, RejectsMalformedBlocks) {
  for (const char* bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0/8", "/8", "", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(IpRange::Parse(bad).has_value()) << bad;
  }
  EXPECT_TRUE(IpRange::Parse(" 10.0.0.0/8 ").has_value());
}

TEST(IpRangeTest, InAnyRange) {
  std::vector<IpRange> ranges = {*IpRange::Parse("10.0.0.0/8"), *IpRange::Parse("::1/128")};
  EXPECT_TRUE(InAnyRange(ranges, Ip("10.1.1.1")));
  EXPECT_TRUE(InAnyRange(ranges, Ip("::1")));
  EXPECT_FALSE(InAnyRange(ranges, Ip("127.0.0.1")));
  EXPECT_FALSE(InAnyRange({}, Ip("10.1.1.1")));
}

}  // namespace
}  // namespace kalam::api
