// The dedup set: the source of truth for string-level uniqueness. Two different value tuples
// can render the same string (`{a}{b}` with a in {x, xy} and b in {yz, z}), so every query the
// engine emits is first inserted here by its 64-bit fingerprint, and only a query whose
// fingerprint was new is emitted.
//
// A fingerprint collision between two different strings (probability about k^2 / 2^65 for k
// queries, 3e-6 at 10M) would drop a query that was in fact new: the output stays duplicate
// free and the run draws another index instead. It never lets a duplicate through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "core/status.h"

namespace dorkgen {

// A 64-bit fingerprint of a query (wyhash-style multiply-mix over 8-byte words).
inline std::uint64_t fingerprint(std::string_view bytes) {
  __extension__ typedef unsigned __int128 wide;
  constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
  constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
  auto mum = [](std::uint64_t a, std::uint64_t b) {
    wide product = static_cast<wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  };
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  std::uint64_t h = kP0 ^ (bytes.size() * kP1);
  while (left >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = mum(h ^ word, kP1);
    p += 8;
    left -= 8;
  }
  if (left > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, left);
    h = mum(h ^ word ^ (static_cast<std::uint64_t>(left) << 56), kP1);
  }
  return mum(h ^ kP0, h ^ kP1);
}

// fingerprint() for a string followed by at least 8 readable bytes (a render buffer with
// Plan::kRenderSlack): the same value, without a variable-length copy for the tail.
inline std::uint64_t fingerprint_padded(const char* data, std::size_t size) {
  __extension__ typedef unsigned __int128 wide;
  constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
  constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
  auto mum = [](std::uint64_t a, std::uint64_t b) {
    wide product = static_cast<wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  };
  const char* p = data;
  std::size_t left = size;
  std::uint64_t h = kP0 ^ (size * kP1);
  while (left >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = mum(h ^ word, kP1);
    p += 8;
    left -= 8;
  }
  if (left > 0) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    word &= (std::uint64_t{1} << (8 * left)) - 1;  // little-endian: keep the first `left` bytes
    h = mum(h ^ word ^ (static_cast<std::uint64_t>(left) << 56), kP1);
  }
  return mum(h ^ kP0, h ^ kP1);
}

// Open addressing with linear probing over a table sized once, up front, for at most
// `max_entries` fingerprints. Memory is allocated zeroed (pages become resident as they are
// touched) and never grows. Not thread safe.
class FingerprintSet {
 public:
  // Bytes the table for `max_entries` entries needs (load factor at most 0.7).
  static std::size_t bytes_needed(std::uint64_t max_entries);

  // Fails with kFailedPrecondition, saying how much memory is needed and what the budget is,
  // when bytes_needed(max_entries) > budget_bytes; with kUnavailable when allocation fails.
  static core::Result<FingerprintSet> create(std::uint64_t max_entries, std::size_t budget_bytes);

  // Inserts `fp`; true when it was not there before. Inserting more than max_entries distinct
  // fingerprints is a bug (checked).
  bool insert(std::uint64_t fp) {
    if (fp == 0) fp = 1;  // 0 marks an empty slot
    std::size_t slot = slot_of(fp);
    while (true) {
      std::uint64_t here = table_[slot];
      if (here == fp) return false;
      if (here == 0) {
        CORE_CHECK(size_ < max_entries_);
        table_[slot] = fp;
        ++size_;
        return true;
      }
      if (++slot == capacity_) slot = 0;
    }
  }
  // Hints the cache about the slot `fp` will probe first (for batched inserts).
  void prefetch(std::uint64_t fp) const { __builtin_prefetch(&table_[slot_of(fp == 0 ? 1 : fp)]); }

  std::uint64_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t bytes() const { return capacity_ * sizeof(std::uint64_t); }

 private:
  struct Free {
    std::size_t bytes = 0;
    void operator()(std::uint64_t* p) const;
  };
  FingerprintSet(std::unique_ptr<std::uint64_t[], Free> table, std::size_t capacity,
                 std::uint64_t max_entries)
      : table_(std::move(table)), capacity_(capacity), max_entries_(max_entries) {}
  std::size_t slot_of(std::uint64_t fp) const {
    __extension__ typedef unsigned __int128 wide;
    return static_cast<std::size_t>((static_cast<wide>(fp) * capacity_) >> 64);
  }

  std::unique_ptr<std::uint64_t[], Free> table_;
  std::size_t capacity_ = 0;
  std::uint64_t max_entries_ = 0;
  std::uint64_t size_ = 0;
};

// "1.5 GiB", "64 MiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace dorkgen
