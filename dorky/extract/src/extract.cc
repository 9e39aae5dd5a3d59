#include "dorky/extract.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "dorky/input.h"
#include "dorky/query.h"

namespace dorky {
namespace {

class Extractor {
 public:
  Extractor(const CommonOptions& options, const ExtractSettings& settings, Output& out)
      : options_(options), settings_(settings), out_(out) {}

  core::Status run() {
    Progress progress("extract", options_.progress, known_input_bytes(options_.inputs));
    auto on_line = [&](const core::Line& line) -> core::Status { return scan(line.bytes); };
    CORE_RETURN_IF_ERROR(
        for_each_line(options_.inputs, &progress, on_line, input_buffer_bytes(options_)));
    progress.finish();
    if (!settings_.counts) return core::ok_status();
    std::vector<std::pair<std::string_view, std::uint64_t>> sorted(counts_.begin(), counts_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (const auto& [value, count] : sorted) {
      CORE_RETURN_IF_ERROR(out_.write(std::to_string(count)));
      CORE_RETURN_IF_ERROR(out_.write("\t"));
      CORE_RETURN_IF_ERROR(out_.write_line(value));
    }
    return core::ok_status();
  }

 private:
  core::Status emit(std::string_view kind, std::string_view value) {
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
    auto found = counts_.find(key_);
    if (found != counts_.end()) {
      ++found->second;
      return core::ok_status();
    }
    // Rough cost of a map entry: the string, the node and the bucket.
    memory_ += key_.size() + 96;
    if (memory_ > options_.memory_bytes) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "--counts found more distinct values than --memory holds (" +
                            std::to_string(counts_.size()) +
                            " so far); raise --memory or count a narrower selection");
    }
    strings_.emplace_back(key_);
    counts_.emplace(strings_.back(), 1);
    return core::ok_status();
  }

  core::Status scan(std::string_view line) {
    if (settings_.regex) {
      const std::regex& regex = *settings_.regex;
      bool group = regex.mark_count() >= 1;
      for (auto it = std::cregex_iterator(line.data(), line.data() + line.size(), regex);
           it != std::cregex_iterator(); ++it) {
        const auto& match = group ? (*it)[1] : (*it)[0];
        if (match.matched) {
          CORE_RETURN_IF_ERROR(emit("regex", std::string_view(match.first, match.second)));
        }
      }
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
            CORE_RETURN_IF_ERROR(emit(name, term.value));
          }
          break;
        }
        case Term::Kind::kPhrase:
          if (settings_.phrases && !term.value.empty()) {
            CORE_RETURN_IF_ERROR(emit("phrase", term.value));
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

  const CommonOptions& options_;
  const ExtractSettings& settings_;
  Output& out_;
  std::string key_;
  std::deque<std::string> strings_;  // stable storage for the map's keys
  std::unordered_map<std::string_view, std::uint64_t> counts_;
  std::uint64_t memory_ = 0;
};

}  // namespace

core::Status run_extract(const CommonOptions& options, const ExtractSettings& settings,
                         Output& out) {
  Extractor extractor(options, settings, out);
  return extractor.run();
}

}  // namespace dorky
