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

// Faults in effect from start-up (the same as POST /_sandbox/fault while running; see
// mikami/sandbox/doc/sandbox.md).
struct SandboxFaults {
  int rest_429 = 0;  // the next N REST requests get a shared-scope 429
  int rest_429_retry_after_ms = 1'000;
  int rest_5xx = 0;            // the next N REST requests get a 502
  int latency_ms = 0;          // added before every REST response
  bool heartbeat_acks = true;  // false: no connection gets HEARTBEAT_ACKs
  int ack_delay_ms = 0;        // each HEARTBEAT_ACK is sent this long after its HEARTBEAT
  // Every drop_every_ms (0: never), every gateway connection is dropped: without a close
  // frame when drop_code is 0, otherwise closed with drop_code.
  int drop_every_ms = 0;
  int drop_code = 0;
};

struct SandboxOptions {
  std::uint16_t port = 0;  // 0: pick a free port
  // The bot token accepted. Never from the command line (other users see argv): from
  // MIKAMI_SANDBOX_TOKEN or --token-file.
  std::string token = "sandbox-token";
  int heartbeat_interval_ms = 41'250;
  // The shard count GET /gateway/bot recommends. IDENTIFY's "shard": [id, count] needs
  // id < count (close 4010) and count at least this (close 4011). Above 1, the guild is on
  // shard (guild_id >> 22) % count only, as on Discord; at 1 every session gets it.
  int shard_count = 1;
  int max_concurrency = 1;  // GET /gateway/bot's session_start_limit.max_concurrency
  // Discord-shaped limits: per (bucket, top-level resource) window, and a global window.
  int bucket_limit = 5;
  int bucket_window_ms = 5'000;
  int global_limit = 50;
  int global_window_ms = 1'000;
  // Discord's sublimit on renaming a channel or changing its topic (PATCH /channels/{id}
  // with "name" or "topic"): 2 per 10 minutes per channel.
  int channel_rename_limit = 2;
  int channel_rename_window_ms = 600'000;
  // The invalid-request limit: past this many 401, 403 and (not shared-scope) 429 answers
  // in a window, every REST request gets Cloudflare's 429 (HTML, no X-RateLimit-* headers)
  // until the window ends; without Retry-After when cloudflare_omit_retry_after.
  int invalid_request_limit = 10'000;
  int invalid_request_window_ms = 600'000;
  // Members added to the seeded ones (users 100001.., "member1".., role Regular), for
  // benchmarks with many members.
  int extra_members = 0;
  bool cloudflare_omit_retry_after = false;
  std::size_t replay_buffer = 100'000;  // events kept per session for RESUME
  // One local client must not tie the sandbox up. A request must arrive complete this long
  // after its first byte (an idle keep-alive connection may wait idle_timeout_ms first).
  int request_timeout_ms = 10'000;
  int idle_timeout_ms = 120'000;
  // A gateway connection whose unsent events pass this many bytes is a client that does
  // not read: it is dropped (its session stays resumable from the replay buffer).
  std::size_t max_outbox_bytes = 16u << 20;
  // PEM certificate chain and key: when set, REST and gateway are served over TLS only
  // (https:// and wss://).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Stop when standard input reaches end of file: a test that spawns the sandbox with a
  // pipe on stdin never leaves it running, even when the test itself crashes.
  bool exit_on_stdin_eof = false;
  SandboxFaults faults;
};

// Runs the server on the calling thread until a POST /_sandbox/shutdown arrives or the
// process is signalled (SIGINT/SIGTERM). `on_listening` is called once with the bound port.
// Returns 0 on a clean stop, non-zero (after printing the reason to stderr) when the port
// cannot be bound.
int run_sandbox(const SandboxOptions& options,
                const std::function<void(std::uint16_t)>& on_listening);

}  // namespace mikami
