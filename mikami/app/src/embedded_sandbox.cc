#include "mikami/app/embedded_sandbox.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

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
  core::SpawnOptions options;
  options.in = core::Stdio::pipe();
  options.out = core::Stdio::pipe();
  auto child = core::Child::spawn(binary.string(), args, options);
  if (!child) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "cannot start " + binary.string() + ": " + child.error().message());
  }
  if (!child->started()) {
    return core::fail(core::ErrorCode::kUnavailable,
                      binary.string() + " " + child->wait()->describe());
  }
  std::unique_ptr<EmbeddedSandbox> sandbox(new EmbeddedSandbox());
  sandbox->child_ = std::move(*child);
  // Only its first line is read; the rest of its stdout goes nowhere.
  FILE* stream = fdopen(dup(sandbox->child_->stdout_fd()), "r");
  char line[256] = {};
  const bool got = stream != nullptr && std::fgets(line, sizeof line, stream) != nullptr;
  if (stream != nullptr) std::fclose(stream);
  sandbox->child_->close_stdout();
  unsigned port = 0;
  if (!got || std::sscanf(line, "mikami-sandbox listening on 127.0.0.1:%u", &port) != 1) {
    return core::fail(core::ErrorCode::kUnavailable, binary.string() + " did not start");
  }
  sandbox->port_ = static_cast<std::uint16_t>(port);
  return sandbox;
}

EmbeddedSandbox::~EmbeddedSandbox() {
  if (!child_) return;
  child_->close_stdin();
  child_->kill(SIGTERM);
  (void)child_->wait();
}

}  // namespace mikami::app
