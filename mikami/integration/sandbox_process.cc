#include "sandbox_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/status.h"

extern char** environ;

namespace mikami::testing {

SandboxProcess::SandboxProcess(std::vector<std::string> flags) {
  const char* bin_dir = std::getenv("PROJECT_BIN_DIR");
  CORE_CHECK(bin_dir != nullptr);
  std::string binary = std::string(bin_dir) + "/mikami-sandbox";
  std::vector<std::string> args = {binary, "--port", "0"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  CORE_CHECK(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  CORE_CHECK(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {};
  CORE_CHECK(std::fgets(line, sizeof line, stream) != nullptr);
  std::fclose(stream);  // the sandbox prints nothing else on stdout
  unsigned port = 0;
  CORE_CHECK(std::sscanf(line, "mikami-sandbox listening on 127.0.0.1:%u", &port) == 1);
  port_ = static_cast<std::uint16_t>(port);
  RestOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(port_);
  options.token = "unused";
  auto client = RestClient::create(options);
  CORE_CHECK(client.has_value());
  control_ = std::move(*client);
}

SandboxProcess::~SandboxProcess() {
  control_.reset();
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

int SandboxProcess::control(const std::string& what, const std::string& body) {
  return control_->request(Method::kPost, "/_sandbox/" + what, body).get().status;
}

std::int64_t SandboxProcess::stat(const std::string& name) {
  auto response = control_->request(Method::kGet, "/_sandbox/stats", "").get();
  auto value = boost::json::parse(response.body);
  return value.at(name).as_int64();
}

}  // namespace mikami::testing
