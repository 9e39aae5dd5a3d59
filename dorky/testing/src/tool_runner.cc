#include "dorky/testing/tool_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dorky::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("dorky_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string bin_dir() {
  const char* bin = std::getenv("PROJECT_BIN_DIR");
  if (bin == nullptr) {
    std::fprintf(stderr, "PROJECT_BIN_DIR must point at the build's bin directory\n");
    std::abort();
  }
  return bin;
}

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
  std::vector<char*> argv;
  for (auto& s : all) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin"};
  // Pass on what the test run itself was given: the temp dir and sanitizer settings.
  for (const char* name : {"TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name))
      env_strings.push_back(std::string(name) + "=" + value);
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string in = (io / "in").string(), out = (io / "out").string(), err = (io / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ToolRun run;
  pid_t pid;
  if (posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data()) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    run.err = "could not start " + path;
    return run;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
  run.out = read_file(out);
  run.err = read_file(err);
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
// program never sees the end of its input. Returns the pid (-1 on failure) and the pipe's
// write end in `*feed`.
pid_t start_fed(const std::string& program, const std::vector<std::string>& args,
                const std::string& input, const fs::path& cwd, int* feed) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::string path = bin_dir() + "/" + program;
    std::vector<std::string> all = {path};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : all) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  std::size_t done = 0;
  while (done < input.size()) {
    ssize_t n = ::write(fds[1], input.data() + done, input.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  *feed = fds[1];
  return pid;
}

int kill_and_wait(pid_t pid, int feed) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(feed);
  return status;
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

int kill_mid_run(const std::string& program, const std::vector<std::string>& args,
                 const std::string& input, int wait_ms, const fs::path& cwd) {
  int feed = -1;
  pid_t pid = start_fed(program, args, input, cwd, &feed);
  if (pid < 0) return -1;
  ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
  return kill_and_wait(pid, feed);
}

int kill_mid_write(const std::string& program, const std::vector<std::string>& args,
                   const std::string& input, const std::string& target, const fs::path& cwd,
                   bool* wrote, int timeout_ms) {
  int feed = -1;
  pid_t pid = start_fed(program, args, input, cwd, &feed);
  if (pid < 0) return -1;
  bool seen = false;
  for (int waited = 0; waited < timeout_ms && !seen; waited += 5) {
    seen = partial_output_exists(cwd, target);
    if (!seen) ::usleep(5000);
  }
  if (wrote != nullptr) *wrote = seen;
  return kill_and_wait(pid, feed);
}

}  // namespace dorky::testing
