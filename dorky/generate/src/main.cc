// dorky-generate: runs the dork generation engine through its `dorkgen` binary, found next
// to this tool (or at $DORKGEN), as a child process. Staged, resumable runs are dorkgen's
// exhaustive mode (`--all --work-dir DIR [--resume]`); this tool adds --staged DIR as a
// shorthand that starts or resumes such a run. It links no dorkgen code, so either side can
// change its internals freely.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/process.h"
#include "dorky/exit_codes.h"
#include "dorky/tool.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "generate", "generate dorks with the dorkgen engine (staged and resumable)",
    R"(usage: dorky-generate [--staged DIR] [dorkgen generate options...]
       dorky-generate --space [dorkgen space options...]

Runs `dorkgen generate` (or `dorkgen space` with --space) with the given options, e.g.
  dorky-generate -k "admin panel" -n 100000 --seed 7 -o dorks.txt
  dorky-generate --staged work/ -o all.txt     every query, in stages, resumable
--staged DIR runs dorkgen's exhaustive mode with DIR holding the stage files and manifest,
resuming from the last completed stage when DIR already has a manifest. See dorkgen --help
for the generation options.

The dorkgen binary is looked up as $DORKGEN, then next to this tool.

exit codes: 0 ok, 2 usage or input error (as dorkgen reports it), 3 dorkgen missing or
failed, 130 interrupted; a dorkgen killed by a signal is reported and gives 128+N
)"};

// The running dorkgen, so SIGTERM/SIGHUP sent to us (a launcher's --timeout, a closed
// terminal) end it too instead of leaving it orphaned.
volatile pid_t g_child = 0;

void forward_to_child(int signal) {
  if (g_child > 0) ::kill(g_child, signal);
}

std::string find_dorkgen() {
  if (const char* env = std::getenv("DORKGEN"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (self.parent_path() / "dorkgen").string();
}

int run(int argc, char** argv) {
  std::vector<std::string> args;
  std::string subcommand = "generate";
  std::string staged;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--space") {
      subcommand = "space";
    } else if (arg == "--staged" || arg.starts_with("--staged=")) {
      if (arg == "--staged") {
        if (i + 1 >= argc) {
          std::fprintf(stderr, "dorky-generate: --staged needs a directory (see --help)\n");
          return dorky::kExitUsage;
        }
        staged = argv[++i];
      } else {
        staged = arg.substr(9);
      }
      if (staged.empty()) {
        std::fprintf(stderr, "dorky-generate: --staged needs a directory (see --help)\n");
        return dorky::kExitUsage;
      }
    } else {
      args.push_back(arg);
    }
  }
  std::string dorkgen = find_dorkgen();
  if (dorkgen.empty() || ::access(dorkgen.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "dorky-generate: the dorkgen engine is not installed (looked for '%s'; set "
                 "DORKGEN to its path or install dorkgen next to dorky-generate)\n",
                 dorkgen.empty() ? "dorkgen" : dorkgen.c_str());
    return dorky::kExitIo;
  }
  std::vector<std::string> command = {dorkgen, subcommand};
  if (!staged.empty()) {
    std::error_code ec;
    bool resume = std::filesystem::exists(std::filesystem::path(staged) / "manifest", ec) ||
                  std::filesystem::exists(std::filesystem::path(staged) / "manifest.json", ec);
    command.insert(command.end(), {"--all", "--work-dir", staged});
    if (resume) command.emplace_back("--resume");
  }
  command.insert(command.end(), args.begin(), args.end());

  // The child shares our process group, so Ctrl-C reaches it; we wait for its verdict.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction old_int {
  }, old_quit{};
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  // dorkgen gets the default action for the signals we handle or ignore here; any other
  // disposition it inherits as it was (INT and QUIT too when they were ignored before).
  core::SpawnOptions spawn;
  spawn.reset_signals = {SIGTERM, SIGHUP};
  if (old_int.sa_handler != SIG_IGN) spawn.reset_signals.push_back(SIGINT);
  if (old_quit.sa_handler != SIG_IGN) spawn.reset_signals.push_back(SIGQUIT);
  auto child = core::Child::spawn(dorkgen, command, spawn);
  if (!child) {
    std::fprintf(stderr, "dorky-generate: cannot start dorkgen: %s\n",
                 child.error().message().c_str());
    return dorky::kExitIo;
  }
  if (!child->started()) {
    std::fprintf(stderr, "dorky-generate: cannot run %s: %s\n", dorkgen.c_str(),
                 std::strerror(child->wait()->start_errno));
    return dorky::kExitIo;
  }
  g_child = child->pid();
  struct sigaction forward {};
  forward.sa_handler = forward_to_child;
  sigemptyset(&forward.sa_mask);
  ::sigaction(SIGTERM, &forward, nullptr);
  ::sigaction(SIGHUP, &forward, nullptr);
  auto ended = child->wait();
  g_child = 0;
  if (!ended) {
    std::fprintf(stderr, "dorky-generate: %s\n", ended.error().message().c_str());
    return dorky::kExitIo;
  }
  if (ended->kind == core::ExitStatus::Kind::kSignaled) {
    std::fprintf(stderr, "dorky-generate: dorkgen was killed by signal %d\n", ended->signal);
    return ended->shell_code();
  }
  int code = ended->code;
  // dorkgen: 0 ok, 1 failure, 2 bad input, 130 interrupted. Ours: a failure is 3.
  if (code == 1) return dorky::kExitIo;
  if (code == dorky::kExitUsage) {
    // dorkgen's own message (above) may not say which program the user ran.
    std::fprintf(stderr,
                 "dorky-generate: dorkgen %s rejected the arguments (see dorky-generate --help "
                 "and dorkgen %s --help)\n",
                 subcommand.c_str(), subcommand.c_str());
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--describe") {
      std::printf("%.*s\n", static_cast<int>(kSpec.describe.size()), kSpec.describe.data());
      return 0;
    }
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kSpec.help.data(), 1, kSpec.help.size(), stdout);
      return 0;
    }
  }
  return run(argc, argv);
}
