#include "id_functions.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace kalam::core {
namespace {

uint64_t NowMillis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

}  // namespace

std::string NewUuidV7() {
  uint8_t b[16];
  const uint64_t ms = NowMillis();
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  const uint64_t r1 = Rng()();
  const uint64_t r2 = Rng()();
  for (int i = 6; i < 16; ++i) b[i] = static_cast<uint8_t>((i < 12 ? r1 : r2) >> ((i % 6) * 8));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

std::string NewUlid() {
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static uint64_t rand_hi = 0;  // 16 bits used
  static uint64_t rand_lo = 0;  // 64 bits
  uint64_t ms, hi, lo;
  {
    std::lock_guard lock(mu);
    ms = NowMillis();
    if (ms <= last_ms) {
      ms = last_ms;
      if (++rand_lo == 0) rand_hi = (rand_hi + 1) & 0xffff;
    } else {
      last_ms = ms;
      rand_hi = Rng()() & 0xffff;
      rand_lo = Rng()();
    }
    hi = rand_hi;
    lo = rand_lo;
  }
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out(26, '0');
  // 48-bit time -> 10 chars; 80-bit randomness -> 16 chars.
  for (int i = 9; i >= 0; --i) {
    out[i] = kAlphabet[ms & 31];
    ms >>= 5;
  }
  for (int i = 25; i >= 10; --i) {
    out[i] = kAlphabet[lo & 31];
    lo = (lo >> 5) | ((hi & 31) << 59);
    hi >>= 5;
  }
  return out;
}

}  // namespace kalam::core
