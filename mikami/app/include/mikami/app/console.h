// The console of the no-token default: a person types what they would type in Discord's
// client (`/ping`, `/module disable name:economy`, `/help`), the sandbox turns each line
// into an INTERACTION_CREATE from the registered commands and the console shows the bot's
// answers (content, embeds, ephemeral messages, marked as such). `as bob` switches the
// member one acts as, `members` lists them, `help` shows this, `quit` leaves.
//
// On a terminal it edits lines with history (libedit). Otherwise it reads one command a
// line, waits for each command's final answer (or `reply_timeout`), prints it, and after
// the last line returns 0 when every command got its answer, 1 when one did not.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace mikami::app {

struct ConsoleOptions {
  std::uint16_t sandbox_port = 0;
  std::string user = "owner";  // the member one acts as at first
  std::string channel = "general";
  std::chrono::milliseconds reply_timeout{10'000};
  bool interactive = false;  // a terminal: prompt, line editing and history
};

// Returns the exit code described above.
int run_console(const ConsoleOptions& options, std::FILE* in, std::FILE* out);

}  // namespace mikami::app
