#include "dorky/extract.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>

#include "dorky/input.h"
#include "dorky/query.h"
#include "dorky/value_counter.h"

namespace dorky {
namespace {

class Extractor {
 public:
  Extractor(const CommonOptions& options, const ExtractSettings& settings, Output& out)
      : options_(options),
        settings_(settings),
        out_(out),
        counter_(options.memory_bytes, temp_directory(options)) {}

  core::Status run() {
    Progress progress("extract", options_.progress, known_input_bytes(options_.inputs));
    auto on_line = [&](const core::Line& line) -> core::Status { return scan(line.bytes); };
    CORE_RETURN_IF_ERROR(
        for_each_line(options_.inputs, &progress, on_line, input_buffer_bytes(options_)));
    progress.finish();
    if (!settings_.counts) return core::ok_status();
    return counter_.finish([&](std::uint64_t count, std::string_view value) -> core::Status {
      CORE_RETURN_IF_ERROR(out_.write(std::to_string(count)));
      CORE_RETURN_IF_ERROR(out_.write("\t"));
      return out_.write_line(value);
    });
    return core::ok_status();
  }

 private:
  core::Status emit(std::string_view kind, std::string_view value) {
    if (settings_.ignore_case) {
      folded_ = lower_ascii(value);
      value = folded_;
    }
    if (!settings_.counts) {
      if (settings_.labelled) {
        CORE_RETURN_IF_ERROR(out_.write(kind));
        CORE_RETURN_IF_ERROR(out_.write("\t"));
      }
      return out_.write_line(value);
    }
    key_.clear();
    if (settings_.labelled) {
      key_.append(kind);
      key_.push_back('\t');
    }
    key_.append(value);
    return counter_.add(key_);
  }

  core::Status scan(std::string_view line) {
    if (settings_.regex) CORE_RETURN_IF_ERROR(scan_regex(line));
    if (settings_.shapes && line.find_first_not_of(" \t\r") != std::string_view::npos) {
      CORE_RETURN_IF_ERROR(emit("shape", query_shape(line)));
    }
    if (settings_.operators.empty() && !settings_.all_operators && !settings_.phrases &&
        !settings_.keywords) {
      return core::ok_status();
    }
    for (const Term& term : parse_query(line)) {
      if (term.negated && !settings_.include_negated) continue;
      switch (term.kind) {
        case Term::Kind::kOperator: {
          if (term.value.empty()) break;
          std::string name = lower_ascii(term.name);
          if (settings_.all_operators ||
              std::find(settings_.operators.begin(), settings_.operators.end(), name) !=
                  settings_.operators.end()) {
            for (const std::string& value : read_values(term)) {
              CORE_RETURN_IF_ERROR(emit(name, value));
            }
          }
          break;
        }
        case Term::Kind::kPhrase:
          if (settings_.phrases) {
            for (const std::string& value : read_values(term)) {
              CORE_RETURN_IF_ERROR(emit("phrase", value));
            }
          }
          break;
        case Term::Kind::kWord:
          if (settings_.keywords) CORE_RETURN_IF_ERROR(emit("keyword", term.value));
          break;
        default:
          break;
      }
    }
    return core::ok_status();
  }

  // Every non-overlapping match, left to right, as Go's FindAll: after an empty match the
  // search goes on one byte further, and an empty match right where the previous match ended
  // is skipped (so `a*` on "baa" gives "" and "aa", and `.*` gives each line once).
  core::Status scan_regex(std::string_view line) {
    const re2::RE2& regex = *settings_.regex;
    int group = regex.NumberOfCapturingGroups() >= 1 ? 1 : 0;
    re2::StringPiece text(line.data(), line.size());
    re2::StringPiece found[2];
    std::size_t position = 0;
    std::optional<std::size_t> previous_end;
    while (position <= line.size() &&
           regex.Match(text, position, line.size(), re2::RE2::UNANCHORED, found, group + 1)) {
      auto begin = static_cast<std::size_t>(found[0].data() - line.data());
      bool abutting = found[0].empty() && previous_end == begin;
      if (found[group].data() != nullptr && !abutting) {
        CORE_RETURN_IF_ERROR(
            emit("regex", std::string_view(found[group].data(), found[group].size())));
      }
      std::size_t end = begin + found[0].size();
      previous_end = end;
      position = found[0].empty() ? end + 1 : end;
    }
    return core::ok_status();
  }

  const CommonOptions& options_;
  const ExtractSettings& settings_;
  Output& out_;
  std::string key_;
  std::string folded_;
  ValueCounter counter_;
};

}  // namespace

core::Status run_extract(const CommonOptions& options, const ExtractSettings& settings,
                         Output& out) {
  Extractor extractor(options, settings, out);
  return extractor.run();
}

}  // namespace dorky
