#include "mikami/app/embedded_sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

extern char** environ;

namespace mikami::app {

core::Result<std::unique_ptr<EmbeddedSandbox>> EmbeddedSandbox::start(int heartbeat_interval_ms) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto binary = (ec ? std::filesystem::path(".") : self.parent_path()) / "mikami-sandbox";
  if (!std::filesystem::exists(binary, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no token was given and " + binary.string() +
                          " (the local sandbox) is missing; build it, or set DISCORD_TOKEN");
  }
  std::vector<std::string> args = {binary.string(),
                                   "--port",
                                   "0",
                                   "--exit-on-stdin-eof",
                                   "--heartbeat-interval-ms",
                                   std::to_string(heartbeat_interval_ms)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int in[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) {
    return core::fail(core::ErrorCode::kUnavailable, "cannot create pipes for the sandbox");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  std::unique_ptr<EmbeddedSandbox> sandbox(new EmbeddedSandbox());
  const int rc =
      posix_spawn(&sandbox->pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(in[0]);
  sandbox->stdin_writer_ = in[1];
  if (rc != 0) {
    close(out[0]);
    sandbox->pid_ = -1;
    return core::fail(core::ErrorCode::kUnavailable, "cannot start " + binary.string());
  }
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {};
  const bool got = std::fgets(line, sizeof line, stream) != nullptr;
  std::fclose(stream);
  unsigned port = 0;
  if (!got || std::sscanf(line, "mikami-sandbox listening on 127.0.0.1:%u", &port) != 1) {
    return core::fail(core::ErrorCode::kUnavailable, binary.string() + " did not start");
  }
  sandbox->port_ = static_cast<std::uint16_t>(port);
  return sandbox;
}

EmbeddedSandbox::~EmbeddedSandbox() {
  if (stdin_writer_ >= 0) close(stdin_writer_);
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

}  // namespace mikami::app
