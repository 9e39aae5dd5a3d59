// Exact counting of query spaces. A space is a sum of products of pool sizes and can exceed
// 2^64 long before it exceeds anything a person would generate, so every count is an unsigned
// 128-bit integer and every arithmetic step that could overflow is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dorkgen {

__extension__ typedef unsigned __int128 u128;

inline constexpr u128 kU128Max = ~static_cast<u128>(0);

// a * b, or nullopt when the product does not fit in 128 bits.
std::optional<u128> checked_mul(u128 a, u128 b);
// a + b, or nullopt when the sum does not fit in 128 bits.
std::optional<u128> checked_add(u128 a, u128 b);

// Decimal digits of `value` ("0" for zero).
std::string to_decimal(u128 value);
// Parses a non-empty decimal string of digits only; nullopt on anything else or overflow.
std::optional<u128> parse_decimal(std::string_view text);
// `value` as a double (rounded), for ratios and rates only; never for counting.
inline double to_double(u128 value) { return static_cast<double>(value); }

}  // namespace dorkgen
