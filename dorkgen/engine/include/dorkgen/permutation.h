// A keyed pseudorandom permutation of [0, n) for any 1 <= n <= 2^128 - 1: a balanced Feistel
// network over the smallest even number of bits that covers n, with cycle walking (Black and
// Rogaway, "Ciphers with Arbitrary Finite Domains", 2002) to stay inside [0, n). Walking
// visits fewer than 4 points on average because the Feistel domain is less than 4n.
//
// Sampling i = 0, 1, 2, ... through at(i) yields distinct indices in a seed-determined order
// with O(1) memory, which is how the engine samples without replacement.
#pragma once

#include <array>
#include <cstdint>

#include "dorkgen/uint128.h"

namespace dorkgen {

// splitmix64 finaliser: a fast bijective 64-bit mixer.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Immutable after construction; thread safe; cheap to copy.
class KeyedPermutation {
 public:
  static constexpr int kRounds = 6;

  // `n` must be at least 1 (a bug otherwise). The same (n, seed) always gives the same order.
  KeyedPermutation(u128 n, std::uint64_t seed);

  u128 size() const { return n_; }

  // The image of `i` (< size()). A bijection on [0, size()).
  u128 at(u128 i) const {
    if (narrow_) return walk64(static_cast<std::uint64_t>(i));
    u128 y = encrypt128(i);
    while (y >= n_) y = encrypt128(y);
    return y;
  }
  // Fast path for callers that know size() <= 2^64.
  std::uint64_t at64(std::uint64_t i) const { return walk64(i); }
  bool narrow() const { return narrow_; }

  // The preimage of `y` (< size()): inverse(at(i)) == i.
  u128 inverse(u128 y) const;

 private:
  std::uint64_t round_function(int round, std::uint64_t half) const {
    return mix64(half ^ keys_[round]) & half_mask_;
  }
  std::uint64_t encrypt64(std::uint64_t x) const {
    std::uint64_t left = x >> half_bits_;
    std::uint64_t right = x & half_mask_;
    for (int r = 0; r < kRounds; ++r) {
      std::uint64_t next = left ^ round_function(r, right);
      left = right;
      right = next;
    }
    return (left << half_bits_) | right;
  }
  std::uint64_t walk64(std::uint64_t i) const {
    std::uint64_t y = encrypt64(i);
    while (y >= n64_) y = encrypt64(y);
    return y;
  }
  u128 encrypt128(u128 x) const;
  u128 decrypt128(u128 x) const;

  u128 n_ = 1;
  std::uint64_t n64_ = 1;  // n_ when narrow_ (2^64 itself is handled on the wide path)
  bool narrow_ = true;
  int half_bits_ = 1;
  std::uint64_t half_mask_ = 1;
  std::array<std::uint64_t, kRounds> keys_{};
};

}  // namespace dorkgen
