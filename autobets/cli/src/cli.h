// The `autobets` command line: one function per command, sharing the options below.
// Exit codes: the suite's table (core/exit_codes.h, docs/exit-codes.md): 0 ok, 1 rejected or
// findings, 2 bad input, 3 operating error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "autobets/http_server.h"
#include "autobets/model.h"
#include "core/exit_codes.h"
#include "core/status.h"

namespace autobets::cli {

inline constexpr int kExitOk = core::kExitOk;
inline constexpr int kExitFindings = core::kExitFindings;
inline constexpr int kExitBadInput = core::kExitUsage;
inline constexpr int kExitFailure = core::kExitIo;

struct Options {
  std::string db = "autobets.db";
  bool json = false;
  std::string user;
  std::string from;  // transfer
  std::string to;    // transfer
  Amount amount = 0;
  std::string key;
  std::string game;
  std::string params;
  std::string client_seed;
  std::int64_t seq = 0;
  bool all = false;
  std::size_t limit = 20;
  Limits limits;
  std::string scope;  // keys create
  // serve: how long the commit thread waits for answered clients' next requests
  // (EngineOptions::gather_window)
  std::int64_t commit_gather_us = 0;
  // bench
  std::size_t users = 64;
  std::size_t workers = 8;
  std::size_t wagers = 200000;
  std::size_t baseline_wagers = 3000;
  std::size_t in_flight = 8192;
  std::size_t rate = 10000;         // offered load of the fixed-rate run, wagers/s
  std::size_t rate_wagers = 20000;  // wagers of the fixed-rate run (at most --wagers)
};

int run_init(const Options& options);
int run_transfer(const Options& options, RecordKind kind);
int run_user_transfer(const Options& options);
int run_wager(const Options& options);
int run_balance(const Options& options);
int run_history(const Options& options);
int run_seeds_show(const Options& options);
int run_seeds_rotate(const Options& options, bool set_client);
int run_verify(const Options& options);
int run_reconcile(const Options& options);
int run_replay(const Options& options);
int run_keys_create(const Options& options);
int run_serve(const Options& options, const ServerOptions& server_options);
int run_bench(const Options& options);
int run_demo(const Options& options);

// Whether errors are also printed as a JSON object on stdout (--json); set once by main.
void set_json_errors(bool json);
// Prints an operating error ("autobets: <message>"; with --json also {"ok": false, "error":
// <code>, "message": ...} on stdout) and returns the exit code for it (core::exit_code_for).
int report_error(const core::Error& error);
// Exit code for a reply code.
int exit_code_for(ReplyCode code);

}  // namespace autobets::cli
