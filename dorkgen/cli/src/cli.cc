#include "dorkgen/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "dorkgen/config.h"
#include "dorkgen/exhaustive.h"
#include "dorkgen/json.h"
#include "dorkgen/preset_library.h"
#include "dorkgen/sampler.h"
#include "dorkgen/space.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted.store(true); }

int exit_code_for(const core::Error& error) {
  switch (error.code()) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kNotFound:
    case core::ErrorCode::kFailedPrecondition:
    case core::ErrorCode::kAlreadyExists:
      return kExitBadInput;
    case core::ErrorCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailure;
  }
}

int report(const core::Error& error) {
  std::cerr << "dorkgen: error: " << error.message() << "\n";
  return exit_code_for(error);
}

// Presets and config files are input: even an I/O failure reading them is bad input (exit 2).
int report_bad_input(const core::Error& error) {
  std::cerr << "dorkgen: error: " << error.message() << "\n";
  return kExitBadInput;
}

// A SIGKILLed run leaves the atomic writer's ".<name>.tmp-*" behind; a resumed run clears them.
void remove_stale_temporaries(const fs::path& target) {
  std::error_code ec;
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string prefix = "." + target.filename().string() + ".tmp-";
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(prefix)) fs::remove(entry.path(), ec);
  }
}

// Where the presets that ship with dorkgen are: $DORKGEN_PRESETS_DIR, else
// <executable>/../share/dorkgen/presets (install and build trees both use that layout).
std::optional<fs::path> shipped_presets() {
  if (const char* env = std::getenv("DORKGEN_PRESETS_DIR"); env != nullptr && *env != 0) {
    return fs::path(env);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path candidate = exe.parent_path().parent_path() / "share" / "dorkgen" / "presets";
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

// The shipped library, then the user's (~/.config/dorkgen/presets if present), then --presets.
core::Result<std::vector<fs::path>> preset_dirs(const GeneratorConfig& config) {
  std::vector<fs::path> dirs;
  if (auto shipped = shipped_presets()) dirs.push_back(*shipped);
  std::error_code ec;
  fs::path user;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    user = fs::path(xdg) / "dorkgen" / "presets";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    user = fs::path(home) / ".config" / "dorkgen" / "presets";
  }
  if (!user.empty() && fs::is_directory(user, ec)) dirs.push_back(user);
  for (const fs::path& dir : config.preset_dirs) dirs.push_back(dir);
  if (dirs.empty()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no preset directory: the shipped presets were not found next to the "
                      "executable; set DORKGEN_PRESETS_DIR or pass --presets DIR");
  }
  return dirs;
}

// Options shared by generate and space.
struct SelectionArgs {
  std::string config_file;
  std::vector<std::string> presets, types, keywords, filetypes;
  std::string engine, size, format, memory;
  std::optional<std::uint64_t> seed;
};

void add_selection(CLI::App* app, SelectionArgs& args) {
  app->add_option("--config", args.config_file, "config file (key = value lines)");
  app->add_option("--presets", args.presets, "extra preset directory (overrides shipped files)");
  app->add_option("-t,--type", args.types, "query type(s) to use (default: all)")->delimiter(',');
  app->add_option("-k,--keyword", args.keywords, "keyword(s) replacing the keyword pool");
  app->add_option("--filetype", args.filetypes, "file type(s) replacing the filetype pool")
      ->delimiter(',');
  app->add_option("-e,--engine", args.engine, "google, bing, duckduckgo or yandex");
  app->add_option("-n,--size", args.size, "number of queries (e.g. 5000, 10M)");
  app->add_option("--seed", args.seed, "permutation seed (same seed, same output)");
  app->add_option("-f,--format", args.format, "lines, jsonl or csv");
  app->add_option("--memory", args.memory, "dedup memory budget (default 1GiB)");
}

core::Result<GeneratorConfig> resolve_config(const SelectionArgs& args) {
  GeneratorConfig config;
  if (!args.config_file.empty()) {
    auto loaded = load_config_file(args.config_file, config);
    if (!loaded) return core::fail(loaded.error());
    config = std::move(*loaded);
  }
  auto set = [&](const char* key, const std::string& value) -> core::Status {
    if (value.empty()) return core::ok_status();
    auto applied = apply_setting(config, key, value);
    if (!applied) return core::fail(applied.error().with_context(std::string("--") + key));
    return core::ok_status();
  };
  // Flags replace the config file's lists rather than appending to them.
  if (!args.keywords.empty()) config.keywords.clear();
  if (!args.filetypes.empty()) config.filetypes.clear();
  if (!args.types.empty()) config.query_types.clear();
  for (const std::string& k : args.keywords) CORE_RETURN_IF_ERROR(set("keyword", k));
  for (const std::string& f : args.filetypes) CORE_RETURN_IF_ERROR(set("filetype", f));
  for (const std::string& t : args.types) CORE_RETURN_IF_ERROR(set("type", t));
  for (const std::string& p : args.presets) CORE_RETURN_IF_ERROR(set("presets", p));
  CORE_RETURN_IF_ERROR(set("engine", args.engine));
  CORE_RETURN_IF_ERROR(set("size", args.size));
  CORE_RETURN_IF_ERROR(set("format", args.format));
  CORE_RETURN_IF_ERROR(set("memory", args.memory));
  if (args.seed) config.seed = *args.seed;
  return config;
}

core::Result<BuiltPlan> load_plan(const GeneratorConfig& config, bool quiet) {
  auto dirs = preset_dirs(config);
  if (!dirs) return core::fail(dirs.error());
  auto library = PresetLibrary::load(*dirs);
  if (!library) return core::fail(core::ErrorCode::kInvalidArgument, library.error().message());
  auto built = build_plan(*library, config);
  if (!built) return core::fail(built.error());
  if (!quiet) {
    for (const std::string& note : built->notes) std::cerr << "dorkgen: note: " << note << "\n";
  }
  return built;
}

// A one-line progress bar on stderr, only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(2) == 1) {}
  ProgressFn callback() {
    if (!enabled_) return {};
    start_ = std::chrono::steady_clock::now();
    return [this](u128 done, u128 target) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      double share = target == 0 ? 1.0 : to_double(done) / to_double(target);
      int filled = static_cast<int>(share * 30);
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.resize(30, ' ');
      std::fprintf(stderr, "\r[%s] %5.1f%% %s/%s %.1fM q/s ", bar.c_str(), share * 100,
                   format_number(done).c_str(), format_number(target).c_str(),
                   seconds > 0 ? to_double(done) / seconds / 1e6 : 0.0);
      if (done == target) std::fputc('\n', stderr);
    };
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

int run_generate(const SelectionArgs& args, const std::string& out, bool all,
                 const std::string& work_dir, bool resume, bool quiet) {
  auto config = resolve_config(args);
  if (!config) return report_bad_input(config.error());
  if (!all && !config->size) {
    return report(core::Error(core::ErrorCode::kInvalidArgument,
                              "--size is required (or --all for the whole space)"));
  }
  if (resume && !all) {
    return report(core::Error(core::ErrorCode::kInvalidArgument, "--resume needs --all"));
  }
  auto built = load_plan(*config, quiet);
  if (!built) return report(built.error());
  const Plan& plan = built->plan;
  if (!all && *config->size > plan.total()) {
    SpaceReport space = analyse_space(plan, *config->size);
    return report(core::Error(core::ErrorCode::kInvalidArgument,
                              "requested " + format_count(*config->size) +
                                  " but the space holds only " + format_count(space.total) +
                                  ": it is " + format_count(space.shortfall) + " short"));
  }
  fs::path work;
  if (all) {
    if (!work_dir.empty()) {
      work = work_dir;
    } else if (!out.empty() && out != "-") {
      work = fs::path(out).string() + ".dorkgen-work";
    } else if (resume) {
      return report(core::Error(core::ErrorCode::kInvalidArgument,
                                "--resume writing to stdout needs the --work-dir of the run"));
    } else {
      // A private temporary directory; named in the error if the run fails, for --resume.
      std::string pattern = (fs::temp_directory_path() / "dorkgen-work-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) {
        return report(core::Error(core::ErrorCode::kIo, "cannot create a work directory in " +
                                                            fs::temp_directory_path().string()));
      }
      work = pattern;
    }
  }

  std::unique_ptr<ByteSink> sink;
  if (out.empty() || out == "-") {
    sink = std::make_unique<FdSink>(1, "stdout");
  } else {
    if (resume) remove_stale_temporaries(out);
    auto file = AtomicFileSink::open(out);
    if (!file) return report(file.error());
    sink = std::make_unique<AtomicFileSink>(std::move(*file));
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  ProgressBar bar(!quiet);
  core::Result<RunStats> stats = core::fail(core::ErrorCode::kInternal, "not run");
  if (all) {
    ExhaustiveOptions options;
    options.format = config->format;
    options.work_dir = work;
    options.resume = resume;
    options.memory_budget_bytes = config->memory_budget_bytes;
    options.cancel = &g_interrupted;
    options.progress = bar.callback();
    stats = generate_all(plan, options, *sink);
  } else {
    SampleOptions options;
    options.size = *config->size;
    options.seed = config->seed;
    options.format = config->format;
    options.memory_budget_bytes = config->memory_budget_bytes;
    options.cancel = &g_interrupted;
    options.progress = bar.callback();
    stats = sample(plan, options, *sink);
  }
  if (!stats) {
    if (all && fs::exists(work / "manifest")) {
      std::cerr << "dorkgen: note: finished stages are kept in " << work.string()
                << "; continue with --all --work-dir " << work.string() << " --resume\n";
    }
    return report(stats.error());
  }
  if (!quiet && stats->string_duplicates > 0) {
    std::cerr << "dorkgen: note: skipped " << format_number(stats->string_duplicates)
              << " value tuples whose query text was already emitted\n";
  }
  return 0;
}

int run_space(const SelectionArgs& args, bool json) {
  auto config = resolve_config(args);
  if (!config) return report_bad_input(config.error());
  auto built = load_plan(*config, json);
  if (!built) return report(built.error());
  SpaceReport report_data = analyse_space(built->plan, config->size.value_or(0));
  std::cout << (json ? to_json(report_data) + "\n" : describe(report_data));
  return 0;
}

int run_presets(const std::vector<std::string>& extra, bool json) {
  GeneratorConfig config;
  for (const std::string& dir : extra) config.preset_dirs.emplace_back(dir);
  auto dirs = preset_dirs(config);
  if (!dirs) return report(dirs.error());
  auto library = PresetLibrary::load(*dirs);
  if (!library) return report_bad_input(library.error());
  std::string out;
  if (json) {
    out = "{\"types\":[";
    for (std::size_t i = 0; i < library->types().size(); ++i) {
      const QueryTypeFile& t = library->types()[i];
      if (i) out += ',';
      out += "{\"name\":";
      append_json_string(out, t.name);
      out += ",\"description\":";
      append_json_string(out, t.description);
      out += ",\"templates\":" + std::to_string(t.templates.size()) + "}";
    }
    out += "],\"pools\":[";
    for (std::size_t i = 0; i < library->pools().size(); ++i) {
      const PoolFile& p = library->pools()[i];
      if (i) out += ',';
      out += "{\"name\":";
      append_json_string(out, p.name);
      out += ",\"values\":" + std::to_string(p.values.size()) + "}";
    }
    out += "]}\n";
  } else {
    out = "query types:\n";
    for (const QueryTypeFile& t : library->types()) {
      char line[256];
      std::snprintf(line, sizeof line, "  %-22s %3zu templates  %s\n", t.name.c_str(),
                    t.templates.size(), t.description.c_str());
      out += line;
    }
    out += "pools:\n";
    for (const PoolFile& p : library->pools()) {
      char line[256];
      std::snprintf(line, sizeof line, "  %-22s %5zu values\n", p.name.c_str(), p.values.size());
      out += line;
    }
  }
  std::cout << out;
  return 0;
}

int run_validate(const std::vector<std::string>& dirs_arg) {
  std::vector<fs::path> dirs(dirs_arg.begin(), dirs_arg.end());
  auto library = PresetLibrary::load(dirs);
  if (!library) return report_bad_input(library.error());
  // Building a plan over every type also checks quoting rules across pools.
  std::size_t templates = 0;
  for (const QueryTypeFile& t : library->types()) templates += t.templates.size();
  auto built = build_plan(*library, GeneratorConfig{});
  if (!built) return report(built.error());
  std::cout << "ok: " << library->pools().size() << " pools, " << library->types().size()
            << " query types, " << templates << " templates, " << format_count(built->plan.total())
            << "\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"dorkgen: combinatorial search-query generator (templates x value pools)"};
  app.require_subcommand(1);
  SelectionArgs generate_args;
  std::string out, work_dir;
  bool all = false, resume = false, quiet = false;
  CLI::App* generate = app.add_subcommand("generate", "generate queries");
  add_selection(generate, generate_args);
  generate->add_option("-o,--out", out, "output file, written atomically (default: stdout)");
  generate->add_flag("--all", all, "exhaustive mode: every query of the space, in stages");
  generate->add_option("--work-dir", work_dir, "stage files and manifest for --all");
  generate->add_flag("--resume", resume, "continue an interrupted --all run");
  generate->add_flag("-q,--quiet", quiet, "no progress bar or notes");

  SelectionArgs space_args;
  bool space_json = false;
  CLI::App* space = app.add_subcommand("space", "exact space size and collision analysis");
  add_selection(space, space_args);
  space->add_flag("--json", space_json, "machine-readable output");

  std::vector<std::string> preset_extra;
  bool presets_json = false;
  CLI::App* presets = app.add_subcommand("presets", "list query types and pool sizes");
  presets->add_option("--presets", preset_extra, "extra preset directory");
  presets->add_flag("--json", presets_json, "machine-readable output");

  std::vector<std::string> validate_dirs;
  CLI::App* validate = app.add_subcommand("validate", "validate preset directories");
  validate->add_option("dirs", validate_dirs, "preset directories (later ones override)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*generate) return run_generate(generate_args, out, all, work_dir, resume, quiet);
  if (*space) return run_space(space_args, space_json);
  if (*presets) return run_presets(preset_extra, presets_json);
  if (*validate) return run_validate(validate_dirs);
  return kExitBadInput;
}

}  // namespace dorkgen
