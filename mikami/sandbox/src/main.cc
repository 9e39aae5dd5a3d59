// mikami-sandbox: runs the local Discord-compatible server (see mikami/sandbox.h and
// mikami/sandbox/doc/sandbox.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/exit_codes.h"
#include "mikami/sandbox.h"

int main(int argc, char** argv) {
  mikami::SandboxOptions options;
  CLI::App app{"mikami-sandbox: a local Discord-compatible gateway and REST server"};
  app.add_option("--port", options.port, "TCP port on 127.0.0.1 (0 picks a free one)");
  // The token is never an argument: the process list shows arguments to every user.
  std::string token_file;
  app.add_option("--token-file", token_file,
                 "file whose first line is the bot token the server accepts (default: "
                 "$MIKAMI_SANDBOX_TOKEN, else sandbox-token)")
      ->check(CLI::ExistingFile);
  app.add_option("--request-timeout-ms", options.request_timeout_ms,
                 "a started HTTP request must be complete within this")
      ->check(CLI::Range(1, 600'000));
  app.add_option("--idle-timeout-ms", options.idle_timeout_ms,
                 "an idle keep-alive connection is closed after this")
      ->check(CLI::Range(1, 3'600'000));
  app.add_option("--max-outbox-bytes", options.max_outbox_bytes,
                 "a gateway client with more unsent bytes than this is dropped")
      ->check(CLI::Range(std::size_t{4096}, std::size_t{1} << 30));
  app.add_option("--shard-count", options.shard_count,
                 "shards GET /gateway/bot recommends (IDENTIFYs must then name theirs)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-concurrency", options.max_concurrency,
                 "IDENTIFY rate-limit keys GET /gateway/bot reports")
      ->check(CLI::Range(1, 64));
  app.add_option("--heartbeat-interval-ms", options.heartbeat_interval_ms,
                 "heartbeat interval sent in HELLO")
      ->check(CLI::PositiveNumber);
  app.add_option("--bucket-limit", options.bucket_limit, "requests per bucket window")
      ->check(CLI::PositiveNumber);
  app.add_option("--bucket-window-ms", options.bucket_window_ms, "bucket window length")
      ->check(CLI::PositiveNumber);
  app.add_option("--global-limit", options.global_limit, "requests per global window")
      ->check(CLI::PositiveNumber);
  app.add_option("--global-window-ms", options.global_window_ms, "global window length")
      ->check(CLI::PositiveNumber);
  app.add_option("--channel-rename-limit", options.channel_rename_limit,
                 "sublimit: channel renames/topic changes per channel per window (Discord: 2)")
      ->check(CLI::PositiveNumber);
  app.add_option("--channel-rename-window-ms", options.channel_rename_window_ms,
                 "sublimit window (Discord: 600000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--invalid-request-limit", options.invalid_request_limit,
                 "401/403/429 answers per window before every request gets a 403 "
                 "(Discord: 10000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--invalid-request-window-ms", options.invalid_request_window_ms,
                 "invalid-request window (Discord: 600000)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--cloudflare-omit-retry-after", options.cloudflare_omit_retry_after,
               "the invalid-request ban's 429s carry no Retry-After (Discord's sometimes don't)");
  auto* cert = app.add_option("--tls-cert", options.tls_cert_file,
                              "PEM certificate chain: serve https:// and wss:// only")
                   ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.tls_key_file, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile)
      ->needs(cert);
  cert->needs("--tls-key");
  app.add_option("--members", options.extra_members,
                 "extra members besides the seeded ones (member1, member2, ...)")
      ->check(CLI::Range(0, 1'000'000));
  app.add_flag("--exit-on-stdin-eof", options.exit_on_stdin_eof,
               "stop when standard input closes (for test harnesses)");
  // Faults from start-up: the same as POST /_sandbox/fault.
  mikami::SandboxFaults& faults = options.faults;
  app.add_option("--fault-rest-429", faults.rest_429,
                 "the first N REST requests get a shared-scope 429")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fault-rest-429-retry-after-ms", faults.rest_429_retry_after_ms,
                 "retry_after of those 429s")
      ->check(CLI::PositiveNumber);
  app.add_option("--fault-rest-5xx", faults.rest_5xx, "the first N REST requests get a 502")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fault-latency-ms", faults.latency_ms, "delay every REST response")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fault-ack-delay-ms", faults.ack_delay_ms,
                 "send each HEARTBEAT_ACK this long after its HEARTBEAT")
      ->check(CLI::Range(0, 60'000));
  app.add_flag("!--fault-no-acks", faults.heartbeat_acks,
               "never acknowledge heartbeats (every connection becomes a zombie)");
  app.add_option("--fault-drop-every-ms", faults.drop_every_ms,
                 "drop every gateway connection this often")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fault-drop-code", faults.drop_code,
                 "close code for those drops (0: no close frame, like a network failure)")
      ->check(CLI::Range(0, 4999));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is not an error; anything else is a usage error (docs/exit-codes.md), whatever
    // number CLI11 gives it.
    if (error.get_exit_code() == 0) return app.exit(error);
    std::fprintf(stderr, "mikami-sandbox: %s (see mikami-sandbox --help)\n", error.what());
    return core::kExitUsage;
  }
  if (const char* env = std::getenv("MIKAMI_SANDBOX_TOKEN"); env != nullptr && *env != '\0') {
    options.token = env;
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    std::string line;
    if (!std::getline(in, line) || line.empty()) {
      std::fprintf(stderr, "mikami-sandbox: --token-file %s: no token on its first line\n",
                   token_file.c_str());
      return core::kExitUsage;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    options.token = line;
  }
  int stopped = mikami::run_sandbox(options, [](std::uint16_t port) {
    // Tests read this line to find the port.
    std::printf("mikami-sandbox listening on 127.0.0.1:%u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
  });
  // run_sandbox fails only when it cannot listen (the port is taken, a TLS file is unusable).
  return stopped == 0 ? core::kExitOk : core::kExitIo;
}
