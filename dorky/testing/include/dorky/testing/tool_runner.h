// Test helpers for running the real tool binaries (from PROJECT_BIN_DIR) in a temporary
// directory, the way a user's shell would.
#pragma once

#include <sys/resource.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/process.h"
#include "core/testing/shell_run.h"

// A std::string holding every byte of a literal, NULs included.
#define BYTES(literal) std::string(literal, sizeof(literal) - 1)

namespace dorky::testing {

struct ToolRun {
  int code = -1;  // exit code, or 1000 + signal when killed
  std::string out;
  std::string err;
  long peak_rss_kib = 0;  // the program's peak resident memory (run_program_measured only)
};

// A fresh directory under the system temp dir, removed on destruction.
class TempDir : public core::testing::ScratchDir {
 public:
  TempDir() : ScratchDir("dorky_test") {}
  std::filesystem::path operator/(const std::string& name) const { return path() / name; }
};

// Lowers the soft limit of open files for this process (and the programs it starts) until
// destroyed; ok() tells whether the limit could be set.
class ScopedOpenFileLimit {
 public:
  explicit ScopedOpenFileLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    struct rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~ScopedOpenFileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  ScopedOpenFileLimit(const ScopedOpenFileLimit&) = delete;
  ScopedOpenFileLimit& operator=(const ScopedOpenFileLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  struct rlimit saved_ {};
  bool ok_ = false;
};

// $PROJECT_BIN_DIR (core::testing::bin_dir: aborts the test program when unset).
std::string bin_dir();

// Runs `<bin_dir>/<program>` with `args` (core::Child), feeding `input` on stdin (a file);
// `env` entries
// ("NAME=value") are added to a minimal environment. Runs in `cwd` when not empty.
ToolRun run_program(const std::string& program, const std::vector<std::string>& args,
                    const std::string& input = "", const std::vector<std::string>& env = {},
                    const std::filesystem::path& cwd = {});

// GNU time, which run_program_measured needs (Debian package "time").
inline constexpr const char* kGnuTime = "/usr/bin/time";
bool can_measure_memory();

// Like run_program (no extra environment), and fills ToolRun::peak_rss_kib with the
// program's own peak resident memory, measured by GNU time.
ToolRun run_program_measured(const std::string& program, const std::vector<std::string>& args,
                             const std::string& input = "", const std::filesystem::path& cwd = {});

// Starts the program with `input` on a stdin pipe that stays open, waits `wait_ms`, then
// kills it with SIGKILL: the program is always killed mid-run. Returns how it ended.
core::ExitStatus kill_mid_run(const std::string& program, const std::vector<std::string>& args,
                              const std::string& input, int wait_ms,
                              const std::filesystem::path& cwd = {});

// Like kill_mid_run, but kills the program only once it has put bytes into the temporary
// file of its output `target` (a non-empty ".<target>.tmp-*" in `cwd`), so the kill surely
// lands in the middle of writing; gives up waiting after `timeout_ms` and kills anyway.
// `*wrote` (when not null) tells whether such a partial file was seen. Returns how it ended.
core::ExitStatus kill_mid_write(const std::string& program, const std::vector<std::string>& args,
                                const std::string& input, const std::string& target,
                                const std::filesystem::path& cwd, bool* wrote,
                                int timeout_ms = 20000);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& contents);

// Lines of `text` split on '\n' (a final unterminated piece included, empty tail dropped).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace dorky::testing
