// mikami-sandbox: a local, in-memory, Discord-compatible server for tests, benchmarks and
// running the bot without a token. One port on 127.0.0.1 serves both the REST API (under
// /api/v10) and the gateway (a WebSocket upgrade on any other path, optionally with
// compress=zlib-stream), plus a control API under /_sandbox for fault injection and
// statistics. See mikami/sandbox/doc/sandbox.md.
//
// This header keeps Asio out of its users: the server runs inside run_sandbox().
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mikami {

struct SandboxOptions {
  std::uint16_t port = 0;  // 0: pick a free port
  std::string token = "sandbox-token";
  int heartbeat_interval_ms = 41'250;
  // Discord-shaped limits: per (bucket, top-level resource) window, and a global window.
  int bucket_limit = 5;
  int bucket_window_ms = 5'000;
  int global_limit = 50;
  int global_window_ms = 1'000;
  std::size_t replay_buffer = 100'000;  // events kept per session for RESUME
  // PEM certificate chain and key: when set, REST and gateway are served over TLS only
  // (https:// and wss://).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Stop when standard input reaches end of file: a test that spawns the sandbox with a
  // pipe on stdin never leaves it running, even when the test itself crashes.
  bool exit_on_stdin_eof = false;
};

// Runs the server on the calling thread until a POST /_sandbox/shutdown arrives or the
// process is signalled (SIGINT/SIGTERM). `on_listening` is called once with the bound port.
// Returns 0 on a clean stop, non-zero (after printing the reason to stderr) when the port
// cannot be bound.
int run_sandbox(const SandboxOptions& options,
                const std::function<void(std::uint16_t)>& on_listening);

}  // namespace mikami
