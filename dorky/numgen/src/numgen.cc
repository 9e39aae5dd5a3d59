#include "dorky/numgen.h"

#include <charconv>
#include <cstring>
#include <memory>

#include "core/keyed_permutation.h"

namespace dorky {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

// Appends value with zero padding to `width` digits.
void append_number(std::string& out, std::int64_t value, int width) {
  char digits[24];
  bool negative = value < 0;
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, magnitude);
  (void)ec;
  auto length = static_cast<int>(end - digits);
  if (negative) out.push_back('-');
  if (length < width) out.append(static_cast<std::size_t>(width - length), '0');
  out.append(digits, static_cast<std::size_t>(length));
}

// The common case (step 1, non-negative): an ASCII counter incremented in place and
// copied with one fixed-size memcpy, about one byte of arithmetic per number.
core::Status write_counting(const NumgenSettings& s, std::uint64_t count, Output& out) {
  char counter[32] = {};
  auto [end, ec] = std::to_chars(counter, counter + 24, s.start);
  (void)ec;
  int length = static_cast<int>(end - counter);
  std::unique_ptr<char[]> buffer(new char[kChunkBytes + 256 + s.prefix.size() + s.suffix.size()]);
  char* const begin = buffer.get();
  char* const limit = begin + kChunkBytes;
  char* p = begin;
  bool plain = s.prefix.empty() && s.suffix.empty() && s.width == 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (plain) {
      std::memcpy(p, counter, 24);  // counter holds at most 20 digits; the rest is slack
      p += length;
    } else {
      std::memcpy(p, s.prefix.data(), s.prefix.size());
      p += s.prefix.size();
      if (length < s.width) {
        std::memset(p, '0', static_cast<std::size_t>(s.width - length));
        p += s.width - length;
      }
      std::memcpy(p, counter, static_cast<std::size_t>(length));
      p += length;
      std::memcpy(p, s.suffix.data(), s.suffix.size());
      p += s.suffix.size();
    }
    *p++ = '\n';
    // Increment the ASCII counter.
    if (counter[length - 1] != '9') {
      ++counter[length - 1];
    } else {
      int d = length - 1;
      while (d >= 0 && counter[d] == '9') counter[d--] = '0';
      if (d >= 0) {
        ++counter[d];
      } else {
        std::memmove(counter + 1, counter, static_cast<std::size_t>(length));
        counter[0] = '1';
        ++length;
      }
    }
    if (p >= limit) {
      CORE_RETURN_IF_ERROR(out.write(std::string_view(begin, static_cast<std::size_t>(p - begin))));
      p = begin;
    }
  }
  return out.write(std::string_view(begin, static_cast<std::size_t>(p - begin)));
}

}  // namespace

core::Status parse_format(const std::string& format, NumgenSettings& settings) {
  std::string* target = &settings.prefix;
  settings.prefix.clear();
  settings.suffix.clear();
  int holes = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '{' && i + 1 < format.size() && format[i + 1] == '{') {
      target->push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < format.size() && format[i + 1] == '}') {
      target->push_back('}');
      ++i;
    } else if (c == '{' && i + 1 < format.size() && format[i + 1] == '}') {
      ++holes;
      target = &settings.suffix;
      ++i;
    } else if (c == '{' || c == '}') {
      return core::fail(
          core::ErrorCode::kInvalidArgument,
          "--format '" + format + "' has a lone '" + c + "' (write {{ or }} for a literal brace)");
    } else if (c == '\n') {
      return core::fail(core::ErrorCode::kInvalidArgument, "--format must not contain a newline");
    } else {
      target->push_back(c);
    }
  }
  if (holes != 1) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "--format '" + format + "' must contain exactly one {} for the number");
  }
  return core::ok_status();
}

std::uint64_t sequence_length(const NumgenSettings& s) {
  if (s.step > 0 && s.stop < s.start) return 0;
  if (s.step < 0 && s.stop > s.start) return 0;
  auto span = static_cast<__uint128_t>(s.step > 0 ? static_cast<__int128_t>(s.stop) - s.start
                                                  : static_cast<__int128_t>(s.start) - s.stop);
  auto stride = static_cast<__uint128_t>(s.step > 0 ? static_cast<__int128_t>(s.step)
                                                    : -static_cast<__int128_t>(s.step));
  __uint128_t count = span / stride + 1;
  return count > ~0ull ? ~0ull : static_cast<std::uint64_t>(count);
}

core::Status run_numgen(const NumgenSettings& s, Output& out) {
  std::uint64_t count = sequence_length(s);
  auto value_at = [&](std::uint64_t index) {
    return static_cast<std::int64_t>(static_cast<__int128_t>(s.start) +
                                     static_cast<__int128_t>(index) * s.step);
  };
  if (s.random_count) {
    if (*s.random_count > count) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "--random " + std::to_string(*s.random_count) +
                            " asks for more values than the range holds (" + std::to_string(count) +
                            ")");
    }
    if (count == ~0ull) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "--random needs a range of fewer than 2^64 values");
    }
    const core::KeyedPermutation permutation(count, s.seed);
    std::string chunk;
    for (std::uint64_t i = 0; i < *s.random_count; ++i) {
      chunk.append(s.prefix);
      append_number(chunk, value_at(static_cast<std::uint64_t>(permutation.at(i))), s.width);
      chunk.append(s.suffix);
      chunk.push_back('\n');
      if (chunk.size() >= kChunkBytes) {
        CORE_RETURN_IF_ERROR(out.write(chunk));
        chunk.clear();
      }
    }
    return out.write(chunk);
  }
  if (s.step == 1 && s.start >= 0) return write_counting(s, count, out);
  std::string chunk;
  for (std::uint64_t i = 0; i < count; ++i) {
    chunk.append(s.prefix);
    append_number(chunk, value_at(i), s.width);
    chunk.append(s.suffix);
    chunk.push_back('\n');
    if (chunk.size() >= kChunkBytes) {
      CORE_RETURN_IF_ERROR(out.write(chunk));
      chunk.clear();
    }
  }
  return out.write(chunk);
}

}  // namespace dorky
