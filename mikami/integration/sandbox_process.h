// Starts the mikami-sandbox binary from PROJECT_BIN_DIR on a free port for one test and
// stops it (SIGTERM) when destroyed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mikami/rest_client.h"

namespace mikami::testing {

class SandboxProcess {
 public:
  // Extra command-line flags, e.g. {"--bucket-window-ms", "500"}. Aborts the test run
  // (CORE_CHECK) if the binary cannot be started.
  explicit SandboxProcess(std::vector<std::string> flags = {});
  ~SandboxProcess();

  std::uint16_t port() const { return port_; }
  std::string api_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v10"; }
  std::string gateway_url() const { return "ws://127.0.0.1:" + std::to_string(port_); }
  // POST /_sandbox/<what> with a JSON body; returns the HTTP status.
  int control(const std::string& what, const std::string& body);
  // GET /_sandbox/stats, one counter.
  std::int64_t stat(const std::string& name);

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::unique_ptr<RestClient> control_;
};

}  // namespace mikami::testing
