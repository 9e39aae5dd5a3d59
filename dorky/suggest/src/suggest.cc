#include "dorky/suggest.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "dorkgen/engine_profiles.h"
#include "dorky/input.h"
#include "dorky/query.h"

namespace dorky {
namespace {

namespace fs = std::filesystem;

bool needs_quotes(std::string_view value) {
  return value.find_first_of(" \t") != std::string_view::npos;
}

// Saturating arithmetic for space sizes.
std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > ~0ull / a) return ~0ull;
  return a * b;
}
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > ~0ull - b ? ~0ull : a + b;
}

class Suggester {
 public:
  Suggester(const CommonOptions& options, const SuggestSettings& settings,
            const std::map<std::string, Pool>& pools, Output& out)
      : options_(options), settings_(settings), pools_(pools), out_(out) {}

  core::Status run() {
    Progress progress("suggest", options_.progress, known_input_bytes(options_.inputs));
    auto on_line = [&](const core::Line& line) -> core::Status {
      std::string_view query = line.bytes;
      if (!query.empty() && query.back() == '\r') query.remove_suffix(1);
      return settings_.target ? add_shape(query) : variants(query);
    };
    CORE_RETURN_IF_ERROR(
        for_each_line(options_.inputs, &progress, on_line, input_buffer_bytes(options_)));
    progress.finish();
    if (settings_.target) return advise(*settings_.target);
    return core::ok_status();
  }

 private:
  const Pool* pool_for(const Term& term) const {
    if (term.kind != Term::Kind::kOperator || term.negated) return nullptr;
    auto mapped = settings_.pool_for_operator.find(lower_ascii(term.name));
    if (mapped == settings_.pool_for_operator.end()) return nullptr;
    auto pool = pools_.find(mapped->second);
    return pool == pools_.end() ? nullptr : &pool->second;
  }

  core::Status variants(std::string_view query) {
    std::vector<Term> terms = parse_query(query);
    std::uint64_t written = 0;
    for (const Term& term : terms) {
      const Pool* pool = pool_for(term);
      if (pool == nullptr) continue;
      std::set<std::string> present;  // values this operator already has in the query
      std::string name = lower_ascii(term.name);
      for (const Term& other : terms) {
        if (other.kind == Term::Kind::kOperator && lower_ascii(other.name) == name) {
          present.insert(lower_ascii(other.value));
        }
      }
      std::size_t begin = static_cast<std::size_t>(term.value.data() - query.data());
      std::size_t end = begin + term.value.size();
      for (const std::string& value : pool->values) {
        if (written >= settings_.max_per_query) return core::ok_status();
        if (present.contains(lower_ascii(value))) continue;
        // A '"' in a value would end the term's quoted phrase or open one that swallows the
        // rest of the query: such a value cannot be written as one operator value.
        if (value.find('"') != std::string::npos) continue;
        bool quote = !term.quoted && needs_quotes(value);
        line_.assign(query.substr(0, begin));
        if (quote) line_.push_back('"');
        line_.append(value);
        if (quote) line_.push_back('"');
        line_.append(query.substr(end));
        CORE_RETURN_IF_ERROR(out_.write_line(line_));
        ++written;
      }
    }
    return core::ok_status();
  }

  core::Status add_shape(std::string_view query) {
    std::string shape;
    std::vector<std::string> used;
    std::size_t copied = 0;
    for (const Term& term : parse_query(query)) {
      const Pool* pool = pool_for(term);
      if (pool == nullptr) continue;
      std::size_t begin = static_cast<std::size_t>(term.value.data() - query.data());
      shape.append(query.substr(copied, begin - copied));
      shape += "{" + pool->name + "}";
      copied = begin + term.value.size();
      used.push_back(pool->name);
    }
    shape.append(query.substr(copied));
    if (shapes_.contains(shape)) return core::ok_status();
    shape_bytes_ += shape.size() + 128;
    if (shape_bytes_ > options_.memory_bytes) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "more distinct query shapes than --memory holds; raise --memory");
    }
    shapes_.emplace(std::move(shape), std::move(used));
    return core::ok_status();
  }

  std::uint64_t shape_space(const std::vector<std::string>& used, const std::string& grow,
                            double factor) const {
    std::uint64_t space = 1;
    for (const std::string& name : used) {
      auto size = static_cast<double>(pools_.at(name).values.size());
      if (name == grow) size = std::ceil(size * factor);
      space = saturating_mul(space, static_cast<std::uint64_t>(size));
    }
    return space;
  }

  core::Status say(const std::string& text) { return out_.write_line(text); }

  core::Status advise(std::uint64_t target) {
    std::uint64_t space = 0;
    std::map<std::string, std::uint64_t> with_pool;  // space of the shapes using each pool
    for (const auto& [shape, used] : shapes_) {
      std::uint64_t s = shape_space(used, "", 1);
      space = saturating_add(space, s);
      for (const std::string& name : std::set<std::string>(used.begin(), used.end())) {
        with_pool[name] = saturating_add(with_pool[name], s);
      }
    }
    CORE_RETURN_IF_ERROR(
        say("shapes: " + std::to_string(shapes_.size()) + " distinct query shapes"));
    for (const auto& [name, pool] : pools_) {
      CORE_RETURN_IF_ERROR(
          say("pool " + name + ": " + std::to_string(pool.values.size()) + " values"));
    }
    CORE_RETURN_IF_ERROR(say("space: " + std::to_string(space) + " distinct queries"));
    CORE_RETURN_IF_ERROR(say("target: " + std::to_string(target)));
    auto s = static_cast<double>(space), t = static_cast<double>(target);
    double distinct = s > 0 ? s * -std::expm1(t * std::log1p(-1.0 / s)) : 0;
    if (space == 1) distinct = target > 0 ? 1 : 0;
    double duplicates = t - distinct;
    char line[256];
    std::snprintf(line, sizeof line,
                  "expected duplicates drawing %llu at random: %.0f (%.2f%%); "
                  "a keyed permutation draws without any",
                  static_cast<unsigned long long>(target), duplicates,
                  t > 0 ? 100.0 * duplicates / t : 0.0);
    CORE_RETURN_IF_ERROR(say(line));
    // Aim for a space of 10x the target: about 5% duplicates under random drawing.
    double wanted = 10.0 * t;
    if (target > space) {
      CORE_RETURN_IF_ERROR(say("verdict: the target exceeds the space; grow pools"));
    } else if (s >= wanted) {
      CORE_RETURN_IF_ERROR(say("verdict: the space is large enough (at least 10x the target)"));
      return core::ok_status();
    } else {
      CORE_RETURN_IF_ERROR(
          say("verdict: the space holds the target but random drawing will "
              "repeat; grow pools for 10x headroom"));
    }
    for (const auto& [name, in_space] : with_pool) {
      double rest = s - static_cast<double>(in_space);
      double factor = (wanted - rest) / static_cast<double>(in_space);
      std::size_t have = pools_.at(name).values.size();
      auto need = static_cast<std::uint64_t>(std::ceil(static_cast<double>(have) * factor));
      if (rest >= wanted || in_space == 0) continue;
      std::snprintf(line, sizeof line, "grow %s from %zu to %llu values (+%llu), or", name.c_str(),
                    have, static_cast<unsigned long long>(need),
                    static_cast<unsigned long long>(need - have));
      CORE_RETURN_IF_ERROR(say(line));
    }
    double balanced = std::pow(wanted / s, 1.0 / std::max<std::size_t>(with_pool.size(), 1));
    std::snprintf(line, sizeof line, "grow every pool %.2fx", balanced);
    return say(line);
  }

  const CommonOptions& options_;
  const SuggestSettings& settings_;
  const std::map<std::string, Pool>& pools_;
  Output& out_;
  std::string line_;
  std::map<std::string, std::vector<std::string>> shapes_;
  std::uint64_t shape_bytes_ = 0;
};

}  // namespace

std::map<std::string, std::string> default_pool_mapping() {
  std::map<std::string, std::string> mapping = {{"site", "domain"},        {"filetype", "filetype"},
                                                {"ext", "filetype"},       {"inurl", "folder"},
                                                {"allinurl", "folder"},    {"intitle", "keyword"},
                                                {"allintitle", "keyword"}, {"intext", "keyword"}};
  // An engine's own spelling of a mapped operator (from dorkgen's profiles: yandex mime: for
  // filetype:, title: for intitle:; bing and duckduckgo inbody: for intext:) fills the same
  // pool, so queries written for any engine get variants.
  for (const dorkgen::EngineProfile& engine : dorkgen::engine_profiles()) {
    for (const auto& [from, to] : engine.translations) {
      auto pool = mapping.find(from);
      if (pool != mapping.end() && !mapping.contains(to)) mapping.emplace(to, pool->second);
    }
  }
  return mapping;
}

core::Result<std::map<std::string, Pool>> load_pools(const SuggestSettings& settings,
                                                     const std::vector<std::string>& required) {
  std::error_code ec;
  if (!fs::is_directory(settings.presets_dir, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "preset directory '" + settings.presets_dir + "' does not exist");
  }
  std::set<std::string> names;
  for (const auto& [op, pool] : settings.pool_for_operator) names.insert(pool);
  std::map<std::string, Pool> pools;
  for (const std::string& name : names) {
    fs::path path = fs::path(settings.presets_dir) / "pools" / (name + ".txt");
    if (!fs::exists(path, ec)) path = fs::path(settings.presets_dir) / (name + ".txt");
    if (!fs::exists(path, ec)) {
      if (std::find(required.begin(), required.end(), name) != required.end()) {
        return core::fail(core::ErrorCode::kNotFound, "pool '" + name + "' has no file pools/" +
                                                          name + ".txt in '" +
                                                          settings.presets_dir + "'");
      }
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return core::fail(core::ErrorCode::kInvalidArgument, path.string() + ": cannot be read");
    }
    Pool pool{name, {}};
    std::set<std::string> seen;
    std::string value;
    bool first = true;
    while (std::getline(in, value)) {
      // A byte-order mark (Windows editors write one) is not part of the first value.
      if (std::exchange(first, false) && value.starts_with("\xEF\xBB\xBF")) value.erase(0, 3);
      if (!value.empty() && value.back() == '\r') value.pop_back();
      if (value.empty() || value[0] == '#') continue;
      if (seen.insert(value).second) pool.values.push_back(value);
    }
    if (pool.values.empty()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        path.string() + ": the pool holds no values");
    }
    pools.emplace(name, std::move(pool));
  }
  return pools;
}

core::Status run_suggest(const CommonOptions& options, const SuggestSettings& settings,
                         const std::map<std::string, Pool>& pools, Output& out) {
  Suggester suggester(options, settings, pools, out);
  return suggester.run();
}

}  // namespace dorky
