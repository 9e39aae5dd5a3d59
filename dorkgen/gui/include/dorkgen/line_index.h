// A sparse line-offset index over a text file, for a view of the whole output however large:
// a background thread reads the file once and keeps the byte offset of every kStride-th line
// (8 bytes per 1,024 lines: 8 MiB for a billion lines), and rows are read on demand from the
// nearest indexed line. No Qt here, so it is tested on its own (and under TSan).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dorkgen {

class LineIndex {
 public:
  static constexpr std::uint64_t kStride = 1024;

  // Starts indexing `path` at once, on its own thread. The file is expected not to change
  // (dorkgen writes its outputs atomically, so a finished output never does).
  explicit LineIndex(std::filesystem::path path);
  // Stops indexing and waits for the thread.
  ~LineIndex();

  LineIndex(const LineIndex&) = delete;
  LineIndex& operator=(const LineIndex&) = delete;

  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // Once finished(): empty, or why the file could not be read.
  const std::string& error() const { return error_; }
  // Lines indexed so far (a last line without '\n' counts once the file is fully read).
  std::uint64_t lines() const { return lines_.load(std::memory_order_acquire); }
  // Bytes the index holds (the offsets), to show that it stays bounded.
  std::size_t memory_bytes() const;
  std::thread::id indexing_thread() const { return indexing_thread_; }

  // Up to `count` lines from line `first` (< lines()), without their '\n'. Any thread; reads
  // at most kStride - 1 lines before `first`. Empty on a read error.
  std::vector<std::string> read(std::uint64_t first, std::size_t count) const;

 private:
  void run();

  std::filesystem::path path_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::uint64_t> lines_{0};
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> offsets_;  // offset of line i * kStride; guarded by mutex_
  std::uint64_t size_ = 0;              // bytes indexed; guarded by mutex_
  std::string error_;                   // written by the thread before finished_
  std::thread::id indexing_thread_;     // written by the thread before its first line
  std::thread thread_;                  // last: started once every member exists
};

}  // namespace dorkgen
