#include "core/keyed_permutation.h"

#include "core/status.h"

namespace core {
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
  left_bits_ = bits / 2;
  right_bits_ = bits - left_bits_;
  right_mask_ = right_bits_ == 64 ? ~0ULL : (1ULL << right_bits_) - 1;
  narrow_ = bits <= 63;
  n64_ = narrow_ ? static_cast<std::uint64_t>(n) : 0;
  std::uint64_t state = seed;
  for (auto& key : keys_) {
    state += 0x9e3779b97f4a7c15ULL;
    key = mix64(state);
  }
}

u128 KeyedPermutation::encrypt128(u128 x) const {
  std::uint64_t left = static_cast<std::uint64_t>(x >> right_bits_);
  std::uint64_t right = static_cast<std::uint64_t>(x) & right_mask_;
  for (int r = 0; r < kRounds; r += 2) {
    left ^= round_function(keys_[r], right, left_bits_);
    right ^= round_function(keys_[r + 1], left, right_bits_);
  }
  return (static_cast<u128>(left) << right_bits_) | right;
}

u128 KeyedPermutation::decrypt128(u128 x) const {
  std::uint64_t left = static_cast<std::uint64_t>(x >> right_bits_);
  std::uint64_t right = static_cast<std::uint64_t>(x) & right_mask_;
  for (int r = kRounds - 2; r >= 0; r -= 2) {
    right ^= round_function(keys_[r + 1], left, right_bits_);
    left ^= round_function(keys_[r], right, left_bits_);
  }
  return (static_cast<u128>(left) << right_bits_) | right;
}

u128 KeyedPermutation::inverse(u128 y) const {
  CORE_CHECK(y < n_);
  u128 x = decrypt128(y);
  while (x >= n_) x = decrypt128(x);
  return x;
}

}  // namespace core
