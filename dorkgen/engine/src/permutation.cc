#include "dorkgen/permutation.h"

#include "core/status.h"

namespace dorkgen {
namespace {

int bit_width(u128 value) {
  int bits = 0;
  while (value != 0) {
    ++bits;
    value >>= 1;
  }
  return bits;
}

}  // namespace

KeyedPermutation::KeyedPermutation(u128 n, std::uint64_t seed) : n_(n) {
  CORE_CHECK(n >= 1);
  int bits = n == 1 ? 2 : bit_width(n - 1);
  if (bits < 2) bits = 2;
  if (bits % 2 != 0) ++bits;
  half_bits_ = bits / 2;
  half_mask_ = half_bits_ == 64 ? ~0ULL : (1ULL << half_bits_) - 1;
  narrow_ = bits <= 64 && (n >> 64) == 0;
  n64_ = narrow_ ? static_cast<std::uint64_t>(n) : 0;
  std::uint64_t state = seed;
  for (auto& key : keys_) {
    state += 0x9e3779b97f4a7c15ULL;
    key = mix64(state);
  }
}

u128 KeyedPermutation::encrypt128(u128 x) const {
  std::uint64_t left = static_cast<std::uint64_t>(x >> half_bits_);
  std::uint64_t right = static_cast<std::uint64_t>(x) & half_mask_;
  for (int r = 0; r < kRounds; ++r) {
    std::uint64_t next = left ^ round_function(r, right);
    left = right;
    right = next;
  }
  return (static_cast<u128>(left) << half_bits_) | right;
}

u128 KeyedPermutation::decrypt128(u128 x) const {
  std::uint64_t left = static_cast<std::uint64_t>(x >> half_bits_);
  std::uint64_t right = static_cast<std::uint64_t>(x) & half_mask_;
  for (int r = kRounds - 1; r >= 0; --r) {
    std::uint64_t previous_right = left;
    std::uint64_t previous_left = right ^ round_function(r, previous_right);
    left = previous_left;
    right = previous_right;
  }
  return (static_cast<u128>(left) << half_bits_) | right;
}

u128 KeyedPermutation::inverse(u128 y) const {
  CORE_CHECK(y < n_);
  u128 x = decrypt128(y);
  while (x >= n_) x = decrypt128(x);
  return x;
}

}  // namespace dorkgen
