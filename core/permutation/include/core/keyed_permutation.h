// A keyed pseudorandom permutation of [0, n) for any 1 <= n <= 2^128 - 1: an alternating
// (unbalanced) Feistel network over the smallest number of bits b that covers n, with cycle
// walking (Black and Rogaway, "Ciphers with Arbitrary Finite Domains", 2002) to stay inside
// [0, n). The b bits are split into a left part of b/2 bits and a right part of the rest; even
// rounds xor a keyed function of the right part into the left, odd rounds the reverse. Each
// round is invertible, so the network is a permutation of [0, 2^b); since 2^b < 2n, walking
// visits fewer than 2 points on average.
//
// Sampling i = 0, 1, 2, ... through at(i) yields distinct indices in a seed-determined order
// with O(1) memory: sampling without replacement. The order is part of callers' seed contracts:
// it must never change for a given (n, seed) (a test pins it). The round function is
// a keyed multiply-shift: statistically well mixed for shuffling, not a cryptographic cipher.
#pragma once

#include <array>
#include <cstdint>

namespace core {

// Unsigned 128-bit integers.
__extension__ typedef unsigned __int128 u128;

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
  static constexpr int kRounds = 8;

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
  // Fast path for callers that know narrow() (size() < 2^64).
  std::uint64_t at64(std::uint64_t i) const { return walk64(i); }
  bool narrow() const { return narrow_; }

  // The preimage of `y` (< size()): inverse(at(i)) == i.
  u128 inverse(u128 y) const;

 private:
  // Keyed function of `half` onto `bits` (1..64) output bits: the high bits of a product.
  static std::uint64_t round_function(std::uint64_t key, std::uint64_t half, int bits) {
    std::uint64_t h = (half ^ key) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 31;
    h *= 0xd6e8feb86659fd93ULL;
    return h >> (64 - bits);
  }
  std::uint64_t encrypt64(std::uint64_t x) const {
    std::uint64_t left = x >> right_bits_;
    std::uint64_t right = x & right_mask_;
    for (int r = 0; r < kRounds; r += 2) {
      left ^= round_function(keys_[r], right, left_bits_);
      right ^= round_function(keys_[r + 1], left, right_bits_);
    }
    return (left << right_bits_) | right;
  }
  std::uint64_t walk64(std::uint64_t i) const {
    std::uint64_t y = encrypt64(i);
    while (y >= n64_) y = encrypt64(y);
    return y;
  }
  u128 encrypt128(u128 x) const;
  u128 decrypt128(u128 x) const;

  u128 n_ = 1;
  std::uint64_t n64_ = 1;  // n_ when narrow_
  bool narrow_ = true;
  int left_bits_ = 1;
  int right_bits_ = 1;
  std::uint64_t right_mask_ = 1;
  std::array<std::uint64_t, kRounds> keys_{};
};

}  // namespace core
