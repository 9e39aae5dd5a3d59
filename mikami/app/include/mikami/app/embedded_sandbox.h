// The no-token default: runs the mikami-sandbox binary that sits beside `mikami` (same
// directory) on a free port of 127.0.0.1, with its standard input on a pipe so it stops
// when this process ends for any reason, and stops it (SIGTERM) when destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/process.h"
#include "core/status.h"

namespace mikami::app {

class EmbeddedSandbox {
 public:
  // kNotFound when the binary is missing, kUnavailable when it does not start.
  static core::Result<std::unique_ptr<EmbeddedSandbox>> start(int heartbeat_interval_ms);
  ~EmbeddedSandbox();

  std::uint16_t port() const { return port_; }
  std::string api_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v10"; }
  static constexpr const char* kToken = "sandbox-token";

 private:
  EmbeddedSandbox() = default;
  std::optional<core::Child> child_;  // its stdin is our pipe, kept open while it should run
  std::uint16_t port_ = 0;
};

}  // namespace mikami::app
