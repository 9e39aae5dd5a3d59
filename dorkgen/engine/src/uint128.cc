#include "dorkgen/uint128.h"

#include <algorithm>

namespace dorkgen {

std::optional<u128> checked_mul(u128 a, u128 b) {
  u128 product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<u128> checked_add(u128 a, u128 b) {
  u128 sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::string to_decimal(u128 value) {
  if (value == 0) return "0";
  std::string digits;
  while (value != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<u128> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  u128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto scaled = checked_mul(value, 10);
    if (!scaled) return std::nullopt;
    auto next = checked_add(*scaled, static_cast<u128>(c - '0'));
    if (!next) return std::nullopt;
    value = *next;
  }
  return value;
}

}  // namespace dorkgen
