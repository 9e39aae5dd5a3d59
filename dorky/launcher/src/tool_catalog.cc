#include "dorky/tool_catalog.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/json_string.h"
#include "dorky/process.h"

namespace dorky {
namespace {

constexpr std::string_view kPrefix = "dorky-";

bool valid_name(std::string_view name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<std::string> search_directories(const std::string& own_directory,
                                            const std::string& dorky_path) {
  std::vector<std::string> directories;
  if (!own_directory.empty()) directories.push_back(own_directory);
  std::size_t start = 0;
  while (start <= dorky_path.size()) {
    std::size_t colon = dorky_path.find(':', start);
    if (colon == std::string::npos) colon = dorky_path.size();
    if (colon > start) directories.push_back(dorky_path.substr(start, colon - start));
    start = colon + 1;
  }
  return directories;
}

std::vector<ToolEntry> discover_tools(const std::vector<std::string>& directories) {
  std::vector<ToolEntry> tools;
  std::set<std::string> seen;
  for (const std::string& directory : directories) {
    DIR* dir = ::opendir(directory.c_str());
    if (dir == nullptr) continue;
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(dir)) {
      std::string_view file = entry->d_name;
      if (!file.starts_with(kPrefix)) continue;
      std::string name(file.substr(kPrefix.size()));
      if (valid_name(name)) names.push_back(std::move(name));
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    for (std::string& name : names) {
      std::string path = directory + "/" + std::string(kPrefix) + name;
      if (seen.contains(name) || !is_executable_file(path)) continue;
      seen.insert(name);
      tools.push_back({std::move(name), std::move(path)});
    }
  }
  std::sort(tools.begin(), tools.end(),
            [](const ToolEntry& a, const ToolEntry& b) { return a.name < b.name; });
  return tools;
}

ToolEntry find_tool(const std::vector<std::string>& directories, const std::string& name) {
  if (!valid_name(name)) return {name, ""};
  for (const std::string& directory : directories) {
    std::string path = directory + "/" + std::string(kPrefix) + name;
    if (is_executable_file(path)) return {name, path};
  }
  return {name, ""};
}

std::string describe_tool(const ToolEntry& tool) {
  RunOptions options;
  options.timeout = std::chrono::milliseconds(2000);
  options.kill_grace = std::chrono::milliseconds(200);
  options.capture_stdout = true;
  options.capture_stderr = true;
  options.quiet_stderr = true;
  options.inherit_stdin = false;
  auto outcome = run_process(tool.path, {std::string(kPrefix) + tool.name, "--describe"}, options);
  if (!outcome) return "(no description: " + outcome.error().message() + ")";
  if (outcome->kind != Outcome::Kind::kExited || outcome->exit_code != 0) {
    return "(no description: --describe " + outcome->describe() + ")";
  }
  std::string line = outcome->stdout_text.substr(0, outcome->stdout_text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line.empty() ? "(no description)" : line;
}

std::string own_directory() {
  char buffer[4096];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  std::string path(buffer, static_cast<std::size_t>(n));
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string tools_to_json(const std::vector<ToolEntry>& tools,
                          const std::vector<std::string>& descriptions) {
  std::string out = "[";
  for (std::size_t i = 0; i < tools.size(); ++i) {
    out += i == 0 ? "\n  {\"name\": " : ",\n  {\"name\": ";
    core::append_json_string(out, tools[i].name);
    out += ", \"path\": ";
    core::append_json_string(out, tools[i].path);
    out += ", \"description\": ";
    core::append_json_string(out, i < descriptions.size() ? descriptions[i] : "");
    out += "}";
  }
  out += tools.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace dorky
