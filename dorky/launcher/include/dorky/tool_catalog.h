// Finding tools the way git finds `git-<name>`: executables named `dorky-<name>` in the
// launcher's own directory first, then in each directory of DORKY_PATH (colon-separated),
// first match winning. Adding a tool means dropping in one executable; nothing here
// changes.
#pragma once

#include <string>
#include <vector>

namespace dorky {

struct ToolEntry {
  std::string name;  // "shuffle"
  std::string path;  // ".../dorky-shuffle"
};

// The search directories: `own_directory` then the entries of `dorky_path` (empty entries
// skipped).
std::vector<std::string> search_directories(const std::string& own_directory,
                                            const std::string& dorky_path);

// Every tool in `directories`, sorted by name, duplicates resolved to the first directory.
// Names are [a-z0-9][a-z0-9_-]*; files that are not executable are skipped. Missing or
// unreadable directories are skipped silently (DORKY_PATH often names optional places).
std::vector<ToolEntry> discover_tools(const std::vector<std::string>& directories);

// Looks one tool up by name; empty path when absent.
ToolEntry find_tool(const std::vector<std::string>& directories, const std::string& name);

// Runs `dorky-<name> --describe` (2 s limit, stdin /dev/null, stderr dropped) and returns
// its first line, or a placeholder saying why there is none. Never fails.
std::string describe_tool(const ToolEntry& tool);

// The directory holding the running executable (from /proc/self/exe).
std::string own_directory();

// JSON for `dorky list --json`: [{"name":..,"path":..,"description":..}, ...].
std::string tools_to_json(const std::vector<ToolEntry>& tools,
                          const std::vector<std::string>& descriptions);

}  // namespace dorky
