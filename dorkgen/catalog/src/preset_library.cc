#include "dorkgen/preset_library.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "dorkgen/profile.h"
#include "dorkgen/scoping.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxValueBytes = 256;
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

core::Error invalid(const fs::path& path, int line, const std::string& reason) {
  std::string where = path.string();
  if (line > 0) where += ":" + std::to_string(line);
  return core::Error(core::ErrorCode::kInvalidArgument, where + ": " + reason);
}

core::Result<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return core::fail(core::ErrorCode::kIo, path.string() + ": " + ec.message());
  if (size > kMaxFileBytes) return core::fail(invalid(path, 0, "file larger than 64 MiB"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, path.string() + ": cannot open for reading");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path.string() + ": read error");
  std::string text = contents.str();
  // Editors on Windows start UTF-8 files with a byte-order mark; it is not data.
  if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
  return text;
}

// A value's double quotes must fit the slot it fills: none at all inside a quoted phrase
// (it would end the phrase), balanced outside one (else the rest of the query is quoted).
core::Status check_slot_values(const Slot& slot, const std::vector<std::string>& values,
                               const std::string& pool_source, const fs::path& path, int line) {
  for (const std::string& value : values) {
    auto quotes = static_cast<std::size_t>(std::count(value.begin(), value.end(), '"'));
    if (quotes == 0) continue;
    if (slot.quoted) {
      return core::fail(invalid(path, line,
                                "{" + slot.name + "} sits inside a quoted phrase but value '" +
                                    value + "' of " + pool_source + " contains '\"'"));
    }
    if (quotes % 2 != 0) {
      return core::fail(invalid(path, line,
                                "{" + slot.name + "} is not inside quotes and value '" + value +
                                    "' of " + pool_source +
                                    " has an unbalanced '\"' (it would quote the rest of the "
                                    "query)"));
    }
  }
  return core::ok_status();
}

// Calls fn(line_number, text) for every line that is neither blank nor a comment. Checks UTF-8
// and strips a trailing CR. Returns the first error of fn or of the file's encoding.
template <class Fn>
core::Status for_each_entry(const fs::path& path, const std::string& contents, Fn fn,
                            std::string* first_comment) {
  std::size_t start = 0;
  int number = 0;
  while (start < contents.size()) {
    std::size_t end = contents.find('\n', start);
    if (end == std::string::npos) end = contents.size();
    std::string_view line(contents.data() + start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!is_valid_utf8(line)) return core::fail(invalid(path, number, "invalid UTF-8"));
    if (line.find(kByteOrderMark) != std::string_view::npos) {
      return core::fail(invalid(path, number,
                                "stray byte-order mark (U+FEFF) in the text; only the very "
                                "start of a file may hold one"));
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.front() == '#') {
      if (first_comment != nullptr && first_comment->empty()) {
        std::string_view text = line.substr(1);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        *first_comment = std::string(text);
      }
      continue;
    }
    CORE_RETURN_IF_ERROR(fn(number, line));
  }
  return core::ok_status();
}

// Files of <dir>/<sub>/*.txt by stem; later dirs replace earlier entries.
core::Status collect(const fs::path& dir, const char* sub, std::map<std::string, fs::path>& out) {
  fs::path folder = dir / sub;
  std::error_code ec;
  if (!fs::exists(folder, ec)) return core::ok_status();
  if (!fs::is_directory(folder, ec)) return core::fail(invalid(folder, 0, "not a directory"));
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() != ".txt") continue;
    std::string stem = entry.path().stem().string();
    if (!is_valid_placeholder_name(stem)) {
      return core::fail(invalid(entry.path(), 0,
                                "file name must be lowercase letters, digits, '_' or '-', "
                                "starting with a letter"));
    }
    out[stem] = entry.path();
  }
  if (ec) return core::fail(core::ErrorCode::kIo, folder.string() + ": " + ec.message());
  return core::ok_status();
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t code = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= bytes.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

bool is_valid_value(std::string_view value, std::string* reason) {
  if (value.empty()) {
    *reason = "empty value";
    return false;
  }
  if (value.size() > kMaxValueBytes) {
    *reason = "value longer than 256 bytes";
    return false;
  }
  if (!is_valid_utf8(value)) {
    *reason = "invalid UTF-8";
    return false;
  }
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      *reason = "control character in value";
      return false;
    }
  }
  if (value.front() == ' ' || value.back() == ' ') {
    *reason = "leading or trailing whitespace in value '" + std::string(value) + "'";
    return false;
  }
  return true;
}

const PoolFile* PresetLibrary::find_pool(std::string_view name) const {
  for (const PoolFile& pool : pools_) {
    if (pool.name == name) return &pool;
  }
  return nullptr;
}

core::Result<PresetLibrary> PresetLibrary::load(const std::vector<fs::path>& dirs) {
  if (dirs.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "no preset directory given");
  }
  std::map<std::string, fs::path> pool_paths;
  std::map<std::string, fs::path> type_paths;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return core::fail(core::ErrorCode::kNotFound,
                        dir.string() + ": preset directory does not exist");
    }
    if (!fs::exists(dir / "pools", ec) && !fs::exists(dir / "templates", ec)) {
      return core::fail(invalid(dir, 0, "not a preset directory (no pools/ or templates/)"));
    }
    CORE_RETURN_IF_ERROR(collect(dir, "pools", pool_paths));
    CORE_RETURN_IF_ERROR(collect(dir, "templates", type_paths));
  }

  PresetLibrary library;
  for (const auto& [name, path] : pool_paths) {
    auto contents = read_file(path);
    if (!contents) return core::fail(contents.error());
    PoolFile pool{name, path, {}};
    std::unordered_map<std::string, int> first_line;
    auto status = for_each_entry(
        path, *contents,
        [&](int line, std::string_view value) -> core::Status {
          std::string reason;
          if (!is_valid_value(value, &reason)) return core::fail(invalid(path, line, reason));
          auto [it, inserted] = first_line.emplace(std::string(value), line);
          if (!inserted) {
            return core::fail(invalid(path, line,
                                      "duplicate value '" + std::string(value) +
                                          "' (first on line " + std::to_string(it->second) + ")"));
          }
          pool.values.emplace_back(value);
          return core::ok_status();
        },
        nullptr);
    if (!status) return core::fail(status.error());
    if (pool.values.empty()) return core::fail(invalid(path, 0, "pool file has no values"));
    library.pools_.push_back(std::move(pool));
  }

  std::unordered_map<std::string, std::string> template_origin;
  for (const auto& [name, path] : type_paths) {
    auto contents = read_file(path);
    if (!contents) return core::fail(contents.error());
    QueryTypeFile type{name, path, {}, {}};
    auto status = for_each_entry(
        path, *contents,
        [&](int line, std::string_view text) -> core::Status {
          auto parsed = Template::parse(text);
          if (!parsed) return core::fail(invalid(path, line, parsed.error().message()));
          for (const Slot& slot : parsed->slots()) {
            const PoolFile* pool = library.find_pool(slot.name);
            if (pool == nullptr) {
              return core::fail(invalid(
                  path, line,
                  "unknown placeholder {" + slot.name + "} (no pools/" + slot.name + ".txt)"));
            }
            CORE_RETURN_IF_ERROR(
                check_slot_values(slot, pool->values, pool->path.string(), path, line));
          }
          std::string origin = path.string() + ":" + std::to_string(line);
          auto [it, inserted] = template_origin.emplace(std::string(text), origin);
          if (!inserted) {
            return core::fail(
                invalid(path, line, "duplicate template (also at " + it->second + ")"));
          }
          type.templates.push_back(TemplateLine{line, std::move(*parsed)});
          return core::ok_status();
        },
        &type.description);
    if (!status) return core::fail(status.error());
    if (type.templates.empty())
      return core::fail(invalid(path, 0, "template file has no templates"));
    library.types_.push_back(std::move(type));
  }
  if (library.types_.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no template files (templates/*.txt) in the preset directories");
  }
  return library;
}

namespace {

core::Result<Pool> override_pool(const std::string& name, const std::vector<std::string>& values,
                                 const std::string& source) {
  Pool pool{name, {}, source};
  for (const std::string& value : values) {
    std::string reason;
    if (!is_valid_value(value, &reason)) {
      return core::fail(core::ErrorCode::kInvalidArgument, source + ": " + reason);
    }
    if (std::find(pool.values.begin(), pool.values.end(), value) != pool.values.end()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        source + ": duplicate value '" + value + "'");
    }
    pool.values.push_back(value);
  }
  return pool;
}

}  // namespace

core::Result<BuiltPlan> build_plan(const PresetLibrary& library, const GeneratorConfig& config) {
  const EngineProfile* profile = find_engine_profile(config.engine);
  if (profile == nullptr) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "unknown engine '" + config.engine + "' (known: google, bing, duckduckgo, yandex)");
  }
  std::vector<const QueryTypeFile*> chosen;
  if (config.query_types.empty()) {
    for (const QueryTypeFile& type : library.types()) chosen.push_back(&type);
  } else {
    for (const std::string& name : config.query_types) {
      auto found = std::find_if(library.types().begin(), library.types().end(),
                                [&](const QueryTypeFile& t) { return t.name == name; });
      if (found == library.types().end()) {
        std::string known;
        for (const QueryTypeFile& t : library.types())
          known += (known.empty() ? "" : ", ") + t.name;
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "unknown query type '" + name + "' (known: " + known + ")");
      }
      if (std::find(chosen.begin(), chosen.end(), &*found) == chosen.end())
        chosen.push_back(&*found);
    }
  }

  std::vector<Pool> pools;
  for (const PoolFile& file : library.pools()) {
    if (file.name == "keyword" && !config.keywords.empty()) continue;
    if (file.name == "filetype" && !config.filetypes.empty()) continue;
    pools.push_back(Pool{file.name, file.values, file.path.string()});
  }
  if (!config.keywords.empty()) {
    auto pool = override_pool("keyword", config.keywords, "keyword override");
    if (!pool) return core::fail(pool.error());
    pools.push_back(std::move(*pool));
  }
  if (!config.filetypes.empty()) {
    auto pool = override_pool("filetype", config.filetypes, "filetype override");
    if (!pool) return core::fail(pool.error());
    pools.push_back(std::move(*pool));
  }

  std::vector<std::string> notes;
  std::vector<TemplateSource> sources;
  for (const QueryTypeFile* type : chosen) {
    for (const TemplateLine& line : type->templates) {
      // Library pools were checked when loaded; --keyword / --filetype values are here.
      for (const Slot& slot : line.parsed.slots()) {
        for (const Pool& pool : pools) {
          if (pool.name != slot.name) continue;
          CORE_RETURN_IF_ERROR(
              check_slot_values(slot, pool.values, pool.source, type->path, line.line));
        }
      }
      TemplateSource source{type->name, type->path.string() + ":" + std::to_string(line.line),
                            line.parsed};
      Adaptation adapted = adapt_template(*profile, source);
      if (!adapted.note.empty()) notes.push_back(adapted.note);
      if (adapted.accepted) sources.push_back(std::move(adapted.source));
    }
  }
  if (sources.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no selected template can be expressed for " + profile->name);
  }
  CORE_RETURN_IF_ERROR(scope_to_targets(*profile, config.sites, sources, pools, notes));
  auto plan = Plan::create(pools, sources);
  if (!plan) return core::fail(plan.error());
  std::vector<std::string> violations = limit_violations(*profile, *plan);
  if (!violations.empty()) {
    std::vector<TemplateSource> kept;
    for (TemplateSource& source : sources) {
      bool bad = std::any_of(violations.begin(), violations.end(), [&](const std::string& v) {
        return v.starts_with(source.origin + ":");
      });
      if (!bad) kept.push_back(std::move(source));
    }
    for (const std::string& v : violations) notes.push_back(v + "; template left out");
    if (kept.empty()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "no selected template fits " + profile->name + "'s limits");
    }
    plan = Plan::create(std::move(pools), std::move(kept));
    if (!plan) return core::fail(plan.error());
  }
  return BuiltPlan{std::move(*plan), std::move(notes)};
}

}  // namespace dorkgen
