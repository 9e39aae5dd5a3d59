#include "dorky/testing/tool_runner.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/process.h"
#include "core/status.h"
#include "core/testing/shell_run.h"

namespace dorky::testing {

namespace fs = std::filesystem;

std::string bin_dir() { return core::testing::bin_dir(); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

ToolRun run_program(const std::string& program, const std::vector<std::string>& args,
                    const std::string& input, const std::vector<std::string>& env,
                    const fs::path& cwd) {
  TempDir io;
  write_file(io / "in", input);
  std::string path = program.find('/') == std::string::npos ? bin_dir() + "/" + program : program;
  std::vector<std::string> all = {path};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin"};
  // Pass on what the test run itself was given: the temp dir and sanitizer settings.
  for (const char* name : {"TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name))
      env_strings.push_back(std::string(name) + "=" + value);
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  // Files, not pipes: a tool sees a regular stdin as it would from `tool < file`.
  core::SpawnOptions options;
  options.cwd = cwd;
  options.env = std::move(env_strings);
  options.in = core::Stdio::file(io / "in");
  options.out = core::Stdio::file(io / "out");
  options.err = core::Stdio::file(io / "err");
  ToolRun run;
  auto child = core::Child::spawn(path, all, options);
  if (!child || !child->started()) {
    run.err = "could not start " + path;
    return run;
  }
  auto status = child->wait();
  CORE_CHECK(status.has_value());
  run.code =
      status->kind == core::ExitStatus::Kind::kSignaled ? 1000 + status->signal : status->code;
  run.out = read_file(io / "out");
  run.err = read_file(io / "err");
  return run;
}

bool can_measure_memory() { return ::access(kGnuTime, X_OK) == 0; }

ToolRun run_program_measured(const std::string& program, const std::vector<std::string>& args,
                             const std::string& input, const fs::path& cwd) {
  // GNU time forks the program from its own small process, so the peak is the program's
  // alone (a program spawned straight from the test would count the test's peak too).
  TempDir io;
  std::vector<std::string> all = {"-f", "%M", "-o", (io / "rss").string(),
                                  bin_dir() + "/" + program};
  all.insert(all.end(), args.begin(), args.end());
  ToolRun run = run_program(kGnuTime, all, input, {}, cwd);
  std::string rss = read_file(io / "rss");
  std::size_t last = rss.find_last_of("0123456789");
  std::size_t first = rss.find_last_not_of("0123456789", last);
  if (last != std::string::npos) {
    run.peak_rss_kib = std::stol(rss.substr(first == std::string::npos ? 0 : first + 1));
  }
  return run;
}

namespace {

// Starts the program on a stdin pipe, feeds it `input` and leaves the pipe open, so the
// program never sees the end of its input.
core::Result<core::Child> start_fed(const std::string& program,
                                    const std::vector<std::string>& args, const std::string& input,
                                    const fs::path& cwd) {
  std::string path = bin_dir() + "/" + program;
  std::vector<std::string> all = {path};
  all.insert(all.end(), args.begin(), args.end());
  core::SpawnOptions options;
  options.cwd = cwd;
  options.in = core::Stdio::pipe();
  auto child = core::Child::spawn(path, all, options);
  if (!child) return child;
  std::size_t done = 0;
  while (done < input.size() && child->stdin_fd() >= 0) {
    ssize_t n = ::write(child->stdin_fd(), input.data() + done, input.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return child;
}

core::ExitStatus kill_and_wait(core::Child& child) {
  child.kill(SIGKILL);
  auto status = child.wait();
  CORE_CHECK(status.has_value());
  return *status;
}

// True when `dir` holds a non-empty ".<target>.tmp-*" (an atomic writer's temporary).
bool partial_output_exists(const fs::path& dir, const std::string& target) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("." + target + ".tmp-") && entry.file_size(ec) > 0 && !ec) return true;
  }
  return false;
}

}  // namespace

core::ExitStatus kill_mid_run(const std::string& program, const std::vector<std::string>& args,
                              const std::string& input, int wait_ms, const fs::path& cwd) {
  auto child = start_fed(program, args, input, cwd);
  CORE_CHECK(child.has_value());
  ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
  return kill_and_wait(*child);
}

core::ExitStatus kill_mid_write(const std::string& program, const std::vector<std::string>& args,
                                const std::string& input, const std::string& target,
                                const fs::path& cwd, bool* wrote, int timeout_ms) {
  auto child = start_fed(program, args, input, cwd);
  CORE_CHECK(child.has_value());
  bool seen = false;
  for (int waited = 0; waited < timeout_ms && !seen; waited += 5) {
    seen = partial_output_exists(cwd, target);
    if (!seen) ::usleep(5000);
  }
  if (wrote != nullptr) *wrote = seen;
  return kill_and_wait(*child);
}

}  // namespace dorky::testing
