// The interactive menu shown by `dorky` on a terminal: numbered tools with descriptions,
// pick one, type its arguments, watch it run attached to the terminal, read how it ended,
// back to the menu. Tools are rediscovered each round, so a tool installed meanwhile shows.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "dorky/process.h"
#include "dorky/tool_catalog.h"

namespace dorky {

struct MenuOptions {
  std::vector<std::string> directories;  // where tools are looked up
  RunOptions run;                        // how each tool is run
};

// Runs the menu on `in`/`out` until the user quits ("q", "quit" or end of input). Returns
// the launcher's exit code (0). A tool's failure is reported and never ends the menu.
int run_menu(const MenuOptions& options, std::FILE* in, std::FILE* out);

// Splits a typed argument line like a shell would for words: whitespace separates, single
// quotes keep everything, double quotes keep everything but \" and \\, backslash escapes
// one character. Fails (returns false) on an unterminated quote.
bool split_arguments(const std::string& line, std::vector<std::string>& words);

}  // namespace dorky
