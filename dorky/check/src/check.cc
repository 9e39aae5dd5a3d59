#include "dorky/check.h"

#include <unistd.h>

#include <unordered_map>

#include "core/line_reader.h"
#include "dorky/hash.h"
#include "dorky/input.h"
#include "dorky/line_set.h"
#include "dorky/query.h"

namespace dorky {
namespace {

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

void lint_query(std::string_view query, const EngineProfile& profile,
                std::vector<std::string>& reasons) {
  if (!query.empty() && query.back() == '\r') query.remove_suffix(1);
  if (query.find_first_not_of(" \t") == std::string_view::npos) {
    reasons.emplace_back("empty query");
    return;
  }
  std::size_t quotes = 0;
  for (char c : query) quotes += c == '"';
  if (quotes % 2 != 0) reasons.emplace_back("unbalanced double quotes");
  int depth = 0;
  bool stray_close = false;
  std::size_t terms = 0;
  for (const Term& term : parse_query(query)) {
    switch (term.kind) {
      case Term::Kind::kOpenParen:
        ++depth;
        break;
      case Term::Kind::kCloseParen:
        if (depth == 0) {
          stray_close = true;
        } else {
          --depth;
        }
        break;
      case Term::Kind::kOperator: {
        ++terms;
        if (term.quoted) terms += count_words(term.value) > 0 ? count_words(term.value) - 1 : 0;
        std::string name = lower_ascii(term.name);
        if (!profile.knows(name)) {
          reasons.push_back("unknown operator '" + std::string(term.name) + ":' for " +
                            std::string(profile.name));
        }
        if (term.value.empty()) {
          reasons.push_back("empty value for '" + std::string(term.name) + ":'");
        }
        break;
      }
      case Term::Kind::kPhrase:
        terms += std::max<std::size_t>(count_words(term.value), 1);
        break;
      case Term::Kind::kWord:
        ++terms;
        break;
      default:
        break;
    }
  }
  if (stray_close) reasons.emplace_back("unbalanced parentheses: ')' without '('");
  if (depth > 0) reasons.emplace_back("unbalanced parentheses: '(' never closed");
  if (terms > profile.max_terms) {
    reasons.push_back("too many terms (" + std::to_string(terms) + " > " +
                      std::to_string(profile.max_terms) + " for " + std::string(profile.name) +
                      ")");
  }
  std::size_t chars = count_code_points(query);
  if (chars > profile.max_chars) {
    reasons.push_back("too long (" + std::to_string(chars) + " > " +
                      std::to_string(profile.max_chars) + " characters for " +
                      std::string(profile.name) + ")");
  }
}

core::Result<CheckStats> run_check(const CommonOptions& options, const CheckSettings& settings,
                                   Output& out) {
  CheckStats stats;
  std::vector<std::string> names = options.inputs;
  if (names.empty()) names.push_back("-");
  // First line number of every distinct query, by exact bytes; bounded by --memory.
  std::unordered_map<std::string, std::uint64_t> first_seen;
  std::uint64_t seen_bytes = 0;
  std::vector<std::string> reasons;
  std::string location;
  Progress progress("check", options.progress, known_input_bytes(options.inputs));
  std::uint64_t done_before = 0;
  for (const std::string& name : names) {
    auto fd = open_input(name);
    CORE_RETURN_IF_ERROR(fd);
    core::LineReader reader(*fd, input_name(name), input_buffer_bytes(options));
    core::Line line;
    std::uint64_t number = 0;
    core::Status status = core::ok_status();
    while (status && reader.next(line)) {
      ++number;
      ++stats.lines;
      reasons.clear();
      lint_query(line.bytes, settings.profile, reasons);
      if (settings.duplicates && !stats.duplicates_stopped && reasons.empty()) {
        std::string_view key = line.bytes;
        if (!key.empty() && key.back() == '\r') key.remove_suffix(1);
        auto found = first_seen.find(std::string(key));
        if (found != first_seen.end()) {
          reasons.push_back("duplicate of line " + std::to_string(found->second) +
                            (names.size() > 1 ? " (counting across inputs)" : ""));
        } else {
          seen_bytes += key.size() + 80;
          if (seen_bytes > options.memory_bytes) {
            stats.duplicates_stopped = true;
          } else {
            first_seen.emplace(std::string(key), stats.lines);
          }
        }
      }
      for (const std::string& reason : reasons) {
        ++stats.findings;
        location = input_name(name) + ":" + std::to_string(number) + ": ";
        status = out.write(location);
        if (status) status = out.write_line(reason);
        if (!status) break;
      }
      progress.update(done_before + reader.bytes_read());
    }
    if (status) status = reader.status();
    done_before += reader.bytes_read();
    if (*fd > 0) ::close(*fd);
    CORE_RETURN_IF_ERROR(status);
  }
  progress.finish();
  return stats;
}

}  // namespace dorky
