#include "mikami/testing/sandbox_process.h"

#include <fcntl.h>
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

SandboxProcess::SandboxProcess(std::vector<std::string> flags, bool tls) : tls_(tls) {
  const char* bin_dir = std::getenv("PROJECT_BIN_DIR");
  CORE_CHECK(bin_dir != nullptr);
  if (tls_) {
    char pattern[] = "/tmp/mikami-tls-XXXXXX";
    CORE_CHECK(mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    ca_file_ = dir_ + "/cert.pem";
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir_ + "/key.pem -out " + ca_file_ + " 2>/dev/null";
    CORE_CHECK(std::system(command.c_str()) == 0);
    flags.insert(flags.end(), {"--tls-cert", ca_file_, "--tls-key", dir_ + "/key.pem"});
  }
  std::string binary = std::string(bin_dir) + "/mikami-sandbox";
  std::vector<std::string> args = {binary, "--port", "0", "--exit-on-stdin-eof"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int in[2];
  CORE_CHECK(pipe2(out, O_CLOEXEC) == 0);
  // The sandbox exits when this pipe closes, which happens when this process ends for any
  // reason, so a crashed test never leaves a server behind.
  CORE_CHECK(pipe2(in, O_CLOEXEC) == 0);
  stdin_writer_ = in[1];
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  CORE_CHECK(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(in[0]);
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {};
  CORE_CHECK(std::fgets(line, sizeof line, stream) != nullptr);
  std::fclose(stream);  // the sandbox prints nothing else on stdout
  unsigned port = 0;
  CORE_CHECK(std::sscanf(line, "mikami-sandbox listening on 127.0.0.1:%u", &port) == 1);
  port_ = static_cast<std::uint16_t>(port);
  RestOptions options;
  options.base_url = std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  options.token = "unused";
  options.ca_file = ca_file_;
  auto client = RestClient::create(options);
  CORE_CHECK(client.has_value());
  control_ = std::move(*client);
}

SandboxProcess::~SandboxProcess() {
  control_.reset();
  if (stdin_writer_ >= 0) close(stdin_writer_);
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
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
