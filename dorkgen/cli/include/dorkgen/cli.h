// The `dorkgen` command: a thin interface over the engine. It parses arguments, turns them
// (with an optional config file) into a GeneratorConfig, loads and validates presets, and calls
// the engine. Exit codes are the suite's (docs/exit-codes.md): 0 success; 2 bad input
// (arguments, config, presets, a size the space cannot hold, a dedup set over budget); 3 an
// operating failure (disk full, write error); 130 interrupted.
#pragma once

namespace dorkgen {

int run_cli(int argc, char** argv);

}  // namespace dorkgen
