#include "dorky/menu.h"

#include <cstring>

namespace dorky {
namespace {

bool read_line(std::FILE* in, std::string& line) {
  line.clear();
  int c;
  while ((c = std::fgetc(in)) != EOF && c != '\n') line += static_cast<char>(c);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return c != EOF || !line.empty();
}

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  std::size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

bool split_arguments(const std::string& line, std::vector<std::string>& words) {
  words.clear();
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      std::size_t close = line.find('\'', i + 1);
      if (close == std::string::npos) return false;
      word += line.substr(i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() && (line[j + 1] == '"' || line[j + 1] == '\\'))
          ++j;
        word += line[j];
      }
      if (j >= line.size()) return false;
      i = j;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return true;
}

int run_menu(const MenuOptions& options, std::FILE* in, std::FILE* out) {
  std::string line;
  while (true) {
    std::vector<ToolEntry> tools = discover_tools(options.directories);
    std::fprintf(out, "\nDorky-Dorker tools:\n");
    if (tools.empty()) std::fprintf(out, "  (none found; put dorky-<name> tools on DORKY_PATH)\n");
    for (std::size_t i = 0; i < tools.size(); ++i) {
      std::fprintf(out, "  %2zu) %-12s %s\n", i + 1, tools[i].name.c_str(),
                   describe_tool(tools[i]).c_str());
    }
    std::fprintf(out, "Choose a tool by number or name (q to quit): ");
    std::fflush(out);
    if (!read_line(in, line)) break;
    std::string choice = trim(line);
    if (choice.empty()) continue;
    if (choice == "q" || choice == "quit" || choice == "exit") break;
    const ToolEntry* chosen = nullptr;
    char* end = nullptr;
    unsigned long number = std::strtoul(choice.c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && number >= 1 && number <= tools.size()) {
      chosen = &tools[number - 1];
    }
    for (const ToolEntry& tool : tools) {
      if (tool.name == choice) chosen = &tool;
    }
    if (chosen == nullptr) {
      std::fprintf(out, "dorky: no tool '%s'; pick a number from 1 to %zu or a name\n",
                   choice.c_str(), tools.size());
      continue;
    }
    std::vector<std::string> words;
    while (true) {
      std::fprintf(out, "Arguments for %s (Enter for none): ", chosen->name.c_str());
      std::fflush(out);
      if (!read_line(in, line)) return 0;
      if (split_arguments(line, words)) break;
      std::fprintf(out, "dorky: unbalanced quote in the arguments; try again\n");
    }
    std::vector<std::string> args = {"dorky-" + chosen->name};
    args.insert(args.end(), words.begin(), words.end());
    std::fflush(out);
    auto outcome = run_process(chosen->path, args, options.run);
    if (!outcome) {
      std::fprintf(out, "dorky: %s: %s\n", chosen->name.c_str(), outcome.error().message().c_str());
    } else if (outcome->kind == Outcome::Kind::kExited && outcome->exit_code == 0) {
      std::fprintf(out, "dorky: %s finished\n", chosen->name.c_str());
    } else {
      std::fprintf(out, "dorky: %s %s\n", chosen->name.c_str(), outcome->describe().c_str());
    }
  }
  std::fprintf(out, "\n");
  return 0;
}

}  // namespace dorky
