// An in-memory set of byte strings with a hard memory account: lines are copied into large
// arena blocks (no allocation per line) and found through an open-addressing table of
// (hash, reference) pairs. Equality is always decided on the bytes, never on the hash.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dorky {

// Not thread safe.
class LineSet {
 public:
  // `block_bytes`: arena block size; small budgets want small blocks.
  explicit LineSet(std::size_t block_bytes = 8 << 20);

  // Adds `line` (whose hash_bytes(line, 0) is `hash`) unless an equal line is present.
  // Returns true when it was added. Lines must be shorter than 4 GiB.
  bool insert(std::string_view line, std::uint64_t hash);

  // Bytes held by the arena and the table, which is what --memory bounds.
  std::uint64_t memory_bytes() const { return arena_bytes_ + table_.size() * sizeof(Entry); }
  std::uint64_t size() const { return count_; }

  // Calls f(std::string_view) for every line, in insertion order.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const char* p = blocks_[b].data.get();
      const char* end = p + blocks_[b].used;
      while (p < end) {
        std::uint32_t length;
        std::memcpy(&length, p, 4);
        f(std::string_view(p + 4, length));
        p += 4 + length;
      }
    }
  }

  // Frees everything.
  void clear();

 private:
  struct Entry {
    std::uint64_t hash;
    std::uint64_t ref;  // block << 32 | offset; kEmpty when unused
  };
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t capacity;
    std::size_t used;
  };
  static constexpr std::uint64_t kEmpty = ~0ull;

  std::string_view at(std::uint64_t ref) const;
  std::uint64_t store(std::string_view line);
  void grow();

  std::size_t block_bytes_;
  std::vector<Block> blocks_;
  std::vector<Entry> table_;
  std::uint64_t count_ = 0;
  std::uint64_t arena_bytes_ = 0;
};

}  // namespace dorky
