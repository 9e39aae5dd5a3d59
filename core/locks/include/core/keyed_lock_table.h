// A table of mutual-exclusion locks addressed by key, e.g. one lock per user.
//
//   core::KeyedLockTable<std::string> locks;
//   {
//     auto guard = locks.acquire(user_id);   // blocks while another holder has user_id
//     ...                                    // read and change the user's state
//   }                                        // released here
//
// Contract:
//   - Fair: waiters for one key are granted the lock strictly in arrival (FIFO) order; the
//     releasing thread hands the lock directly to the oldest waiter, so none can starve.
//   - Bounded memory: an entry exists only while its key is held or awaited; the last
//     release of a key frees it, so a table touched by millions of keys stays small.
//   - No global lock: keys hash into independent shards, each with its own short-held
//     mutex; acquiring different keys only contends when they share a shard, and then only
//     for the few instructions that update the shard's map.
//   - Not reentrant: acquiring a key the calling thread already holds deadlocks.
//   - Thread safe. The table must outlive every Guard it hands out.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <semaphore>
#include <unordered_map>
#include <utility>

#include "core/status.h"

namespace core {

template <class Key, class Hash = std::hash<Key>>
class KeyedLockTable {
  struct Waiter {
    std::binary_semaphore granted{0};
  };
  struct Entry {
    bool held = false;            // a holder exists; the entry is erased when it releases
    std::deque<Waiter*> waiters;  // oldest first
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<Key, Entry, Hash> entries;  // guarded by mutex
  };
  static constexpr std::size_t kShards = 64;

 public:
  // Owns one held key. Movable, not copyable; releases on destruction or release().
  class [[nodiscard]] Guard {
   public:
    Guard(Guard&& other) noexcept
        : table_(std::exchange(other.table_, nullptr)), key_(std::move(other.key_)) {}
    Guard& operator=(Guard&& other) noexcept {
      if (this != &other) {
        release();
        table_ = std::exchange(other.table_, nullptr);
        key_ = std::move(other.key_);
      }
      return *this;
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { release(); }

    // Releases early. Safe to call more than once.
    void release() {
      if (table_ != nullptr) std::exchange(table_, nullptr)->unlock(key_);
    }
    bool owns_lock() const { return table_ != nullptr; }
    const Key& key() const { return key_; }

   private:
    friend class KeyedLockTable;
    Guard(KeyedLockTable* table, Key key) : table_(table), key_(std::move(key)) {}
    KeyedLockTable* table_;
    Key key_;
  };

  KeyedLockTable() = default;
  KeyedLockTable(const KeyedLockTable&) = delete;
  KeyedLockTable& operator=(const KeyedLockTable&) = delete;
  ~KeyedLockTable() {
    for (auto& shard : shards_) CORE_CHECK(shard.entries.empty());  // a Guard outlived us
  }

  // Blocks until the calling thread holds `key`.
  Guard acquire(const Key& key) {
    Shard& shard = shard_for(key);
    Waiter waiter;
    {
      std::lock_guard lock(shard.mutex);
      Entry& entry = shard.entries[key];
      if (!entry.held) {
        entry.held = true;
        return Guard(this, key);
      }
      entry.waiters.push_back(&waiter);
    }
    waiter.granted.acquire();  // the releasing thread handed the lock to us
    return Guard(this, key);
  }

  // Number of threads waiting for `key` (not counting its holder).
  std::size_t waiters(const Key& key) const {
    auto& shard = const_cast<KeyedLockTable*>(this)->shard_for(key);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(key);
    return it == shard.entries.end() ? 0 : it->second.waiters.size();
  }

  // Number of keys currently held or awaited (the entries that occupy memory).
  std::size_t active_keys() const {
    std::size_t total = 0;
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      total += shard.entries.size();
    }
    return total;
  }

 private:
  Shard& shard_for(const Key& key) { return shards_[Hash{}(key) % kShards]; }

  void unlock(const Key& key) {
    Shard& shard = shard_for(key);
    Waiter* next = nullptr;
    {
      std::lock_guard lock(shard.mutex);
      auto it = shard.entries.find(key);
      CORE_CHECK(it != shard.entries.end() && it->second.held);
      Entry& entry = it->second;
      if (entry.waiters.empty()) {
        shard.entries.erase(it);
      } else {
        next = entry.waiters.front();  // stays held: ownership passes straight to `next`
        entry.waiters.pop_front();
      }
    }
    // After this the waiter may return and destroy itself; touch nothing of it afterwards.
    if (next != nullptr) next->granted.release();
  }

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace core
