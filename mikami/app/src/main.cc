// mikami: the bot. With a token (DISCORD_TOKEN or --token-file) it runs against Discord;
// without one it starts the local sandbox beside it and opens a console on it. See
// mikami/app/doc/mikami.md.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/exit_codes.h"
#include "mikami/app/bot.h"
#include "mikami/app/config.h"
#include "mikami/app/console.h"
#include "mikami/app/embedded_sandbox.h"
#include "mikami/app/logger.h"
#include "mikami/app/modules.h"

namespace {

// Exit codes (docs/exit-codes.md): 0 done, 1 a console command got no answer, 2 usage,
// configuration or token, 3 a start-up failure of the environment (store, network, sandbox).
int report_failure(const core::Error& error) {
  std::fprintf(stderr, "mikami: %s\n", error.message().c_str());
  return core::exit_code_for(error);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mikami::app;
  CLI::App cli{"mikami: a Discord bot (without a token: a console against a local sandbox)"};
  std::optional<std::string> config_path;
  std::optional<std::string> token_file;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::optional<std::string> metrics_listen;
  std::optional<std::string> store_path;
  std::optional<std::string> shard_range;
  std::optional<int> shard_count;
  bool check_config = false;
  std::string as_user = "owner";
  int reply_timeout_ms = 10'000;
  cli.add_option("-c,--config", config_path, "TOML configuration file");
  cli.add_option("--token-file", token_file,
                 "file holding the bot token (otherwise DISCORD_TOKEN; never on the command line)");
  cli.add_option("--log-level", log_level, "debug, info, warn or error");
  cli.add_option("--log-format", log_format, "text or json (one JSON object per line)");
  cli.add_option("--metrics-listen", metrics_listen,
                 "host:port of the Prometheus endpoint (\"\" disables; port 0 picks one)");
  cli.add_option("--store", store_path, "the bot's SQLite database");
  cli.add_option("--shards", shard_range,
                 "run only these shards of --shard-count, e.g. 0-3 (one process of several)");
  cli.add_option("--shard-count", shard_count,
                 "the bot's total number of shards (otherwise Discord's recommendation)");
  cli.add_flag("--check-config", check_config, "validate the configuration and token, then exit");
  cli.add_option("--as", as_user, "console: the member to act as at first");
  cli.add_option("--reply-timeout-ms", reply_timeout_ms,
                 "console: how long to wait for a command's answer")
      ->check(CLI::PositiveNumber);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is not an error; anything else is a usage error, whatever CLI11 numbers it.
    if (error.get_exit_code() == 0) return cli.exit(error);
    std::fprintf(stderr, "mikami: %s (see mikami --help)\n", error.what());
    return core::kExitUsage;
  }

  AppConfig config;
  if (config_path) {
    auto loaded = load_config_file(*config_path);
    if (!loaded) return report_failure(loaded.error());
    config = *loaded;
  }
  auto with_env = apply_environment(config);
  if (!with_env) return report_failure(with_env.error());
  config = *with_env;
  if (log_level) config.log_level = *log_level;
  if (log_format) config.log_format = *log_format;
  if (metrics_listen) config.metrics_listen = *metrics_listen;
  if (store_path) config.store_path = *store_path;
  if (shard_count) config.shard_count = *shard_count;
  if (shard_range) {
    if (auto status = parse_shard_range(*shard_range, config); !status) {
      return report_failure(status.error().with_context("--shards"));
    }
  }
  auto token =
      load_token(token_file ? std::optional<std::filesystem::path>(*token_file) : std::nullopt);
  if (!token) return report_failure(token.error());
  const bool console = !token->has_value();
  if (console && !log_level && std::getenv("MIKAMI_LOG_LEVEL") == nullptr) {
    config.log_level = "warn";  // the console is the interface; logs only for trouble
  }
  if (auto valid = validate(config); !valid) return report_failure(valid.error());
  if (check_config) {
    std::printf("configuration ok; %s\n",
                console ? "no token: mikami would start the local sandbox and a console"
                        : "a token is set (not shown)");
    return 0;
  }

  // Every thread started from here on inherits the blocked signals; one thread waits for
  // them, so a SIGTERM never interrupts a component mid-call.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // the console has finished
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Logger logger(config.log_level, config.log_format == "json");
  std::unique_ptr<EmbeddedSandbox> sandbox;
  std::filesystem::path temp_dir;
  std::string bot_token;
  if (console) {
    auto started = EmbeddedSandbox::start(5'000);
    if (!started) return report_failure(started.error());
    sandbox = std::move(*started);
    config.api_url = sandbox->api_url();
    bot_token = EmbeddedSandbox::kToken;
    if (!store_path && std::getenv("MIKAMI_STORE") == nullptr && !config_path) {
      // A fresh sandbox each run, so a fresh store: nothing left behind.
      temp_dir =
          std::filesystem::temp_directory_path() / ("mikami-console-" + std::to_string(::getpid()));
      std::filesystem::create_directories(temp_dir);
      config.store_path = temp_dir / "mikami.db";
    }
    if (!metrics_listen && std::getenv("MIKAMI_METRICS_LISTEN") == nullptr) {
      config.metrics_listen = "127.0.0.1:0";  // never clashes with a running bot
    }
  } else {
    bot_token = **token;
  }
  int exit_code = 0;
  {
    auto modules = bot_modules(config);
    if (!modules) {
      logger.error(modules.error().message());
      if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
      return core::exit_code_for(modules.error());
    }
    auto bot = Bot::start(config, bot_token, logger, std::move(*modules));
    if (!bot) {
      logger.error(bot.error().message());
      if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
      return core::exit_code_for(bot.error());
    }
    if (auto ready = (*bot)->wait_ready(std::chrono::seconds(30)); !ready) {
      logger.error(ready.error().message());
      (*bot)->shutdown();
      if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
      return core::exit_code_for(ready.error());
    }
    std::atomic<int> console_code{0};
    std::atomic<bool> console_done{false};
    std::thread console_thread;
    if (console) {
      ConsoleOptions options;
      options.sandbox_port = sandbox->port();
      options.user = as_user;
      options.reply_timeout = std::chrono::milliseconds(reply_timeout_ms);
      options.interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
      const pthread_t main_thread = pthread_self();
      console_thread = std::thread([options, &console_code, &console_done, main_thread] {
        console_code = run_console(options, stdin, stdout);
        console_done = true;
        pthread_kill(main_thread, SIGUSR1);
      });
    } else {
      logger.info("running; SIGTERM or SIGINT stops");
    }
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGUSR1) logger.info(std::string("received ") + strsignal(received));
    const bool drained = (*bot)->shutdown();
    if (console) {
      exit_code = console_done ? console_code.load() : 0;
      if (console_done) {
        console_thread.join();
      } else {
        // Signalled while the console waits for input: the bot has stopped cleanly.
        console_thread.detach();
        std::fflush(stdout);
        if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
        std::_Exit(drained ? 0 : 1);
      }
    }
  }
  sandbox.reset();
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  return exit_code;
}
