// mikami-sandbox: runs the local Discord-compatible server (see mikami/sandbox.h).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "mikami/sandbox.h"

int main(int argc, char** argv) {
  mikami::SandboxOptions options;
  CLI::App app{"mikami-sandbox: a local Discord-compatible gateway and REST server"};
  app.add_option("--port", options.port, "TCP port on 127.0.0.1 (0 picks a free one)");
  app.add_option("--token", options.token, "bot token the server accepts");
  app.add_option("--heartbeat-interval-ms", options.heartbeat_interval_ms,
                 "heartbeat interval sent in HELLO")
      ->check(CLI::PositiveNumber);
  app.add_option("--bucket-limit", options.bucket_limit, "requests per bucket window")
      ->check(CLI::PositiveNumber);
  app.add_option("--bucket-window-ms", options.bucket_window_ms, "bucket window length")
      ->check(CLI::PositiveNumber);
  app.add_option("--global-limit", options.global_limit, "requests per global window")
      ->check(CLI::PositiveNumber);
  auto* cert = app.add_option("--tls-cert", options.tls_cert_file,
                              "PEM certificate chain: serve https:// and wss:// only")
                   ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.tls_key_file, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile)
      ->needs(cert);
  cert->needs("--tls-key");
  app.add_flag("--exit-on-stdin-eof", options.exit_on_stdin_eof,
               "stop when standard input closes (for test harnesses)");
  CLI11_PARSE(app, argc, argv);
  return mikami::run_sandbox(options, [](std::uint16_t port) {
    // Tests read this line to find the port.
    std::printf("mikami-sandbox listening on 127.0.0.1:%u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
  });
}
