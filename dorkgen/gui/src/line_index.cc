#include "dorkgen/line_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dorkgen {
namespace {

constexpr std::size_t kChunkBytes = 1 << 16;

class Fd {
 public:
  explicit Fd(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

ssize_t pread_some(int fd, char* buffer, std::size_t size, std::uint64_t offset) {
  while (true) {
    ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

LineIndex::LineIndex(std::filesystem::path path)
    : path_(std::move(path)), thread_([this] { run(); }) {}

LineIndex::~LineIndex() {
  stop_.store(true);
  thread_.join();
}

std::size_t LineIndex::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return offsets_.capacity() * sizeof(std::uint64_t);
}

void LineIndex::run() {
  indexing_thread_ = std::this_thread::get_id();
  Fd fd(path_);
  if (fd.get() < 0) {
    error_ = path_.string() + ": cannot open: " + std::strerror(errno);
    finished_.store(true, std::memory_order_release);
    return;
  }
  std::vector<char> buffer(kChunkBytes);
  std::uint64_t offset = 0;
  std::uint64_t lines = 0;
  bool line_open = false;  // bytes after the last '\n'
  {
    std::lock_guard lock(mutex_);
    offsets_.push_back(0);
  }
  while (!stop_.load(std::memory_order_relaxed)) {
    ssize_t n = pread_some(fd.get(), buffer.data(), buffer.size(), offset);
    if (n < 0) {
      error_ = path_.string() + ": read error: " + std::strerror(errno);
      break;
    }
    if (n == 0) {
      if (line_open) lines_.store(++lines, std::memory_order_release);
      break;
    }
    std::vector<std::uint64_t> starts;  // of lines kStride apart, in this chunk
    const char* begin = buffer.data();
    const char* end = begin + n;
    for (const char* p = begin; p < end;) {
      const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (newline == nullptr) {
        line_open = true;
        break;
      }
      p = static_cast<const char*>(newline) + 1;
      line_open = false;
      if (++lines % kStride == 0) starts.push_back(offset + static_cast<std::uint64_t>(p - begin));
    }
    offset += static_cast<std::uint64_t>(n);
    {
      std::lock_guard lock(mutex_);
      offsets_.insert(offsets_.end(), starts.begin(), starts.end());
      size_ = offset;
    }
    lines_.store(lines, std::memory_order_release);
  }
  {
    std::lock_guard lock(mutex_);
    size_ = offset;
  }
  finished_.store(true, std::memory_order_release);
}

std::vector<std::string> LineIndex::read(std::uint64_t first, std::size_t count) const {
  std::vector<std::string> rows;
  const std::uint64_t known = lines();
  if (first >= known || count == 0) return rows;
  std::uint64_t start = 0;
  std::uint64_t limit = 0;
  {
    std::lock_guard lock(mutex_);
    start = offsets_[first / kStride];
    limit = size_;
  }
  Fd fd(path_);
  if (fd.get() < 0) return rows;
  std::uint64_t skip = first % kStride;
  std::string row;
  std::vector<char> buffer(kChunkBytes);
  std::uint64_t offset = start;
  const std::uint64_t wanted = std::min<std::uint64_t>(count, known - first);
  while (rows.size() < wanted && offset < limit) {
    std::size_t size =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), limit - offset));
    ssize_t n = pread_some(fd.get(), buffer.data(), size, offset);
    if (n <= 0) return {};
    offset += static_cast<std::uint64_t>(n);
    for (const char* p = buffer.data(); p < buffer.data() + n && rows.size() < wanted;) {
      const char* end = buffer.data() + n;
      const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      const char* stop = newline ? static_cast<const char*>(newline) : end;
      if (skip == 0) row.append(p, stop);
      if (newline == nullptr) break;
      if (skip > 0) {
        --skip;
      } else {
        rows.push_back(std::move(row));
        row.clear();
      }
      p = stop + 1;
    }
  }
  if (rows.size() < wanted && skip == 0 && !row.empty()) rows.push_back(std::move(row));
  return rows;
}

}  // namespace dorkgen
