#include "dorky/line_set.h"

#include "core/status.h"

namespace dorky {
namespace {
constexpr std::size_t kInitialSlots = 1 << 8;
}  // namespace

LineSet::LineSet(std::size_t block_bytes) : block_bytes_(block_bytes < 4096 ? 4096 : block_bytes) {
  table_.assign(kInitialSlots, Entry{0, kEmpty});
}

void LineSet::clear() {
  blocks_.clear();
  blocks_.shrink_to_fit();
  table_.assign(kInitialSlots, Entry{0, kEmpty});
  table_.shrink_to_fit();
  count_ = 0;
  arena_bytes_ = 0;
}

std::string_view LineSet::at(std::uint64_t ref) const {
  const Block& block = blocks_[ref >> 32];
  const char* p = block.data.get() + (ref & 0xffffffffu);
  std::uint32_t length;
  std::memcpy(&length, p, 4);
  return {p + 4, length};
}

std::uint64_t LineSet::store(std::string_view line) {
  CORE_CHECK(line.size() < (1ull << 32) - 8);
  std::size_t need = 4 + line.size();
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < need) {
    std::size_t capacity = need > block_bytes_ ? need : block_bytes_;
    blocks_.push_back({std::unique_ptr<char[]>(new char[capacity]), capacity, 0});
    arena_bytes_ += capacity;
  }
  Block& block = blocks_.back();
  auto length = static_cast<std::uint32_t>(line.size());
  char* p = block.data.get() + block.used;
  std::memcpy(p, &length, 4);
  std::memcpy(p + 4, line.data(), line.size());
  std::uint64_t ref = (static_cast<std::uint64_t>(blocks_.size() - 1) << 32) | block.used;
  block.used += need;
  return ref;
}

void LineSet::grow() {
  std::vector<Entry> old(table_.size() * 2, Entry{0, kEmpty});
  old.swap(table_);
  std::size_t mask = table_.size() - 1;
  for (const Entry& entry : old) {
    if (entry.ref == kEmpty) continue;
    std::size_t slot = entry.hash & mask;
    while (table_[slot].ref != kEmpty) slot = (slot + 1) & mask;
    table_[slot] = entry;
  }
}

bool LineSet::insert(std::string_view line, std::uint64_t hash) {
  std::size_t mask = table_.size() - 1;
  std::size_t slot = hash & mask;
  while (true) {
    Entry& entry = table_[slot];
    if (entry.ref == kEmpty) break;
    if (entry.hash == hash && at(entry.ref) == line) return false;
    slot = (slot + 1) & mask;
  }
  table_[slot] = Entry{hash, store(line)};
  ++count_;
  if (count_ * 10 > table_.size() * 7) grow();
  return true;
}

}  // namespace dorky
