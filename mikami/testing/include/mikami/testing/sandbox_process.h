// Starts the mikami-sandbox binary from PROJECT_BIN_DIR on a free port for one test and
// stops it (SIGTERM) when destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/process.h"
#include "mikami/rest_client.h"

namespace mikami::testing {

class SandboxProcess {
 public:
  // Extra command-line flags, e.g. {"--bucket-window-ms", "500"}. With `tls` a fresh
  // self-signed certificate for 127.0.0.1 is made (the openssl program) and the sandbox serves
  // https:// and wss:// only. Aborts the test run (CORE_CHECK) if anything fails to start.
  explicit SandboxProcess(std::vector<std::string> flags = {}, bool tls = false);
  ~SandboxProcess();

  std::uint16_t port() const { return port_; }
  std::string api_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
           "/api/v10";
  }
  std::string gateway_url() const {
    return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_);
  }
  // The certificate to trust (empty without TLS).
  const std::string& ca_file() const { return ca_file_; }
  // POST /_sandbox/<what> with a JSON body; returns the HTTP status.
  int control(const std::string& what, const std::string& body);
  // GET /_sandbox/stats, one counter.
  std::int64_t stat(const std::string& name);

 private:
  bool tls_ = false;
  std::string dir_;
  std::string ca_file_;
  std::optional<core::Child> child_;  // its stdin stays open while the sandbox should run
  std::uint16_t port_ = 0;
  std::unique_ptr<RestClient> control_;
};

}  // namespace mikami::testing
