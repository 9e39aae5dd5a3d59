#include "mikami/testing/sandbox_process.h"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/process.h"
#include "core/status.h"

namespace mikami::testing {

SandboxProcess::SandboxProcess(std::vector<std::string> flags, bool tls) : tls_(tls) {
  const char* bin_dir = std::getenv("PROJECT_BIN_DIR");
  CORE_CHECK(bin_dir != nullptr);
  if (tls_) {
    char pattern[] = "/tmp/mikami-tls-XXXXXX";
    CORE_CHECK(mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    ca_file_ = dir_ + "/cert.pem";
    core::SpawnOptions quiet;
    quiet.search_path = true;
    quiet.in = core::Stdio::null();
    quiet.out = core::Stdio::null();
    quiet.err = core::Stdio::null();
    auto openssl = core::Child::spawn(
        "openssl",
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", dir_ + "/key.pem", "-out", ca_file_},
        quiet);
    CORE_CHECK(openssl.has_value());
    auto made = openssl->wait();
    CORE_CHECK(made.has_value() && made->success());
    flags.insert(flags.end(), {"--tls-cert", ca_file_, "--tls-key", dir_ + "/key.pem"});
  }
  std::string binary = std::string(bin_dir) + "/mikami-sandbox";
  std::vector<std::string> args = {binary, "--port", "0", "--exit-on-stdin-eof"};
  args.insert(args.end(), flags.begin(), flags.end());
  core::SpawnOptions spawn;
  spawn.out = core::Stdio::pipe();
  // The sandbox exits when its stdin pipe closes, which happens when this process ends for
  // any reason, so a crashed test never leaves a server behind.
  spawn.in = core::Stdio::pipe();
  auto child = core::Child::spawn(binary, args, spawn);
  CORE_CHECK(child.has_value() && child->started());
  child_ = std::move(*child);
  // The first line; the sandbox prints nothing else on stdout.
  std::string line;
  char c = 0;
  while (line.size() < 256 && ::read(child_->stdout_fd(), &c, 1) == 1 && c != '\n') line += c;
  child_->close_stdout();
  unsigned port = 0;
  CORE_CHECK(std::sscanf(line.c_str(), "mikami-sandbox listening on 127.0.0.1:%u", &port) == 1);
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
  if (child_) {
    child_->close_stdin();
    child_->kill(SIGTERM);
    (void)child_->wait();
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
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
