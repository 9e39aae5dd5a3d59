// A fast 64-bit hash for line contents (wyhash-style multiply-mix). Not cryptographic: the
// tools use it to bucket lines and always compare bytes before calling two lines equal.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace dorky {

namespace hash_detail {
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}
inline std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint64_t load_tail(const char* p, std::size_t n) {  // 1..7 bytes
  std::uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}
}  // namespace hash_detail

// Deterministic for a given (bytes, seed) on every run and machine of the same endianness.
inline std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed = 0) {
  using namespace hash_detail;
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                          k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t h = seed ^ k0 ^ (n * k2);
  while (n >= 16) {
    h = mix(load64(p) ^ k1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load64(p);
    b = n > 8 ? load_tail(p + 8, n - 8) : 0;
  } else if (n > 0) {
    a = load_tail(p, n);
  }
  return mix(mix(a ^ k1, b ^ h) ^ k2, bytes.size() ^ k0);
}

}  // namespace dorky
