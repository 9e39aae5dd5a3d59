#include "dorkgen/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "core/exit_codes.h"
#include "core/json_string.h"
#include "dorkgen/app_presets.h"
#include "dorkgen/app_run.h"
#include "dorkgen/app_settings.h"
#include "dorkgen/learn.h"
#include "dorkgen/space.h"
#include "dorkgen/template.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

using core::kExitIo;
using core::kExitUsage;

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted.store(true); }

// Every error leaves through here: the suite's one mapping (docs/exit-codes.md).
int report(const core::Error& error) {
  std::cerr << "dorkgen: error: " << error.message() << "\n";
  return core::exit_code_for(error);
}

void print_notes(const BuiltPlan& built) {
  for (const std::string& note : built.notes) std::cerr << "dorkgen: note: " << note << "\n";
}

// Options shared by generate and space; every value is checked by the application layer.
void add_selection(CLI::App* app, SettingOverrides& args) {
  app->add_option("--config", args.config_file, "config file (key = value lines)");
  app->add_option("--presets", args.presets, "extra preset directory (overrides shipped files)");
  app->add_option("-t,--type", args.types, "query type(s) to use (default: all)")->delimiter(',');
  app->add_option("-k,--keyword", args.keywords, "keyword(s) replacing the keyword pool");
  app->add_option("--filetype", args.filetypes, "file type(s) replacing the filetype pool")
      ->delimiter(',');
  app->add_option("--site", args.sites,
                  "scope every query to this domain with site: (repeatable; queries x targets)");
  app->add_option("--sites", args.sites_file, "file of target domains, one a line");
  app->add_option("-e,--engine", args.engine, "google, bing, duckduckgo or yandex");
  app->add_option("-n,--size", args.size, "number of queries (e.g. 5000, 10M)");
  app->add_option("--seed", args.seed,
                  "permutation seed, 0 to 18446744073709551615 (same seed, same output)");
  app->add_option("-f,--format", args.format, "lines, jsonl or csv");
  app->add_option("--memory", args.memory, "dedup memory budget (default 1GiB)");
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

// One subcommand: define() registers its options on `app`, run() executes it after parsing.
// Adding a subcommand is one more class and one more line in commands().
class Command {
 public:
  virtual ~Command() = default;
  virtual const char* name() const = 0;
  virtual const char* help() const = 0;
  virtual void define(CLI::App* app) = 0;
  virtual int run() = 0;
};

class GenerateCommand final : public Command {
 public:
  const char* name() const override { return "generate"; }
  const char* help() const override { return "generate queries"; }
  void define(CLI::App* app) override {
    add_selection(app, args_);
    app->add_option("-o,--out", out_, "output file, written atomically (default: stdout)");
    app->add_flag("--all", all_, "exhaustive mode: every query of the space, in stages");
    app->add_option("--work-dir", work_dir_, "stage files and manifest for --all");
    app->add_flag("--resume", resume_, "continue an interrupted --all run");
    app->add_flag("-q,--quiet", quiet_, "no progress bar or notes");
  }
  int run() override {
    auto config = resolve_config(args_);
    if (!config) return report(config.error());
    RunRequest request{std::move(*config), all_, out_, work_dir_, resume_};
    if (auto checked = check_request(request); !checked) return report(checked.error());
    auto built = load_plan(request.config);
    if (!built) return report(built.error());
    if (!quiet_) print_notes(*built);
    if (auto fits = check_fits(request, built->plan); !fits) return report(fits.error());
    auto work = choose_work_dir(request);
    if (!work) return report(work.error());
    auto sink = open_output(request);
    if (!sink) return report(sink.error());
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    ProgressBar bar(!quiet_);
    RunResult result = run_generation(built->plan, request, *work, **sink,
                                      RunControl{&g_interrupted, bar.callback()});
    if (!result.stats) {
      if (!result.resumable_work_dir.empty()) {
        const std::string dir = result.resumable_work_dir.string();
        std::cerr << "dorkgen: note: finished stages are kept in " << dir
                  << "; continue with --all --work-dir " << dir << " --resume\n";
      }
      return report(result.stats.error());
    }
    if (!quiet_ && result.stats->string_duplicates > 0) {
      std::cerr << "dorkgen: note: skipped " << format_number(result.stats->string_duplicates)
                << " value tuples whose query text was already emitted\n";
    }
    return 0;
  }

 private:
  SettingOverrides args_;
  std::string out_, work_dir_;
  bool all_ = false, resume_ = false, quiet_ = false;
};

class SpaceCommand final : public Command {
 public:
  const char* name() const override { return "space"; }
  const char* help() const override { return "exact space size and collision analysis"; }
  void define(CLI::App* app) override {
    add_selection(app, args_);
    app->add_flag("--json", json_, "machine-readable output");
  }
  int run() override {
    auto config = resolve_config(args_);
    if (!config) return report(config.error());
    auto built = load_plan(*config);
    if (!built) return report(built.error());
    if (!json_) print_notes(*built);
    SpaceReport space = analyse_space(built->plan, config->size.value_or(0));
    std::cout << (json_ ? to_json(space) + "\n" : describe(space));
    return 0;
  }

 private:
  SettingOverrides args_;
  bool json_ = false;
};

class PresetsCommand final : public Command {
 public:
  const char* name() const override { return "presets"; }
  const char* help() const override { return "list query types and pool sizes"; }
  void define(CLI::App* app) override {
    app->add_option("--presets", extra_, "extra preset directory");
    app->add_flag("--json", json_, "machine-readable output");
  }
  int run() override {
    auto library = load_presets(std::vector<fs::path>(extra_.begin(), extra_.end()));
    if (!library) return report(library.error());
    std::cout << (json_ ? as_json(*library) : as_text(*library));
    return 0;
  }

 private:
  static std::string as_json(const PresetLibrary& library) {
    std::string out = "{\"types\":[";
    for (std::size_t i = 0; i < library.types().size(); ++i) {
      const QueryTypeFile& t = library.types()[i];
      if (i) out += ',';
      out += "{\"name\":";
      core::append_json_string(out, t.name);
      out += ",\"description\":";
      core::append_json_string(out, t.description);
      out += ",\"templates\":" + std::to_string(t.templates.size()) + "}";
    }
    out += "],\"pools\":[";
    for (std::size_t i = 0; i < library.pools().size(); ++i) {
      const PoolFile& p = library.pools()[i];
      if (i) out += ',';
      out += "{\"name\":";
      core::append_json_string(out, p.name);
      out += ",\"values\":" + std::to_string(p.values.size()) + "}";
    }
    return out + "]}\n";
  }
  static std::string as_text(const PresetLibrary& library) {
    std::string out = "query types:\n";
    char line[256];
    for (const QueryTypeFile& t : library.types()) {
      std::snprintf(line, sizeof line, "  %-22s %3zu templates  %s\n", t.name.c_str(),
                    t.templates.size(), t.description.c_str());
      out += line;
    }
    out += "pools:\n";
    for (const PoolFile& p : library.pools()) {
      std::snprintf(line, sizeof line, "  %-22s %5zu values\n", p.name.c_str(), p.values.size());
      out += line;
    }
    return out;
  }

  std::vector<std::string> extra_;
  bool json_ = false;
};

class ValidateCommand final : public Command {
 public:
  const char* name() const override { return "validate"; }
  const char* help() const override { return "validate preset directories"; }
  void define(CLI::App* app) override {
    app->add_option("dirs", dirs_, "preset directories (later ones override)")->required();
  }
  int run() override {
    auto library = load_presets_from(std::vector<fs::path>(dirs_.begin(), dirs_.end()));
    if (!library) return report(library.error());
    // Building a plan over every type also checks quoting rules across pools.
    std::size_t templates = 0;
    for (const QueryTypeFile& t : library->types()) templates += t.templates.size();
    auto built = build_plan(*library, GeneratorConfig{});
    if (!built) return report(built.error());
    std::cout << "ok: " << library->pools().size() << " pools, " << library->types().size()
              << " query types, " << templates << " templates, "
              << format_count(built->plan.total()) << "\n";
    return 0;
  }

 private:
  std::vector<std::string> dirs_;
};

// dorkgen learn: a preset directory from a list of queries (dorkgen/docs/learn.md).
class LearnCommand final : public Command {
 public:
  const char* name() const override { return "learn"; }
  const char* help() const override { return "learn templates and pools from a list of queries"; }
  void define(CLI::App* app) override {
    app->add_option("files", files_, "files of queries, one a line")->required();
    app->add_option("-o,--out", out_, "preset directory to write")->required();
    app->add_option("--min-count", options_.min_count, "drop shapes seen fewer times (default 1)");
    app->add_option("--type", options_.type_name, "query type and pool prefix (default learned)");
  }
  int run() override {
    if (!is_valid_placeholder_name(options_.type_name)) {
      std::cerr << "dorkgen: error: --type '" << options_.type_name
                << "' is not a valid type name (a lowercase letter, then letters, digits, _ "
                   "or -)\n";
      return kExitUsage;
    }
    std::vector<std::string> queries;
    for (const std::string& file : files_) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "dorkgen: error: " << file << ": cannot open\n";
        return kExitUsage;
      }
      for (std::string line; std::getline(in, line);) queries.push_back(std::move(line));
      if (in.bad()) {
        std::cerr << "dorkgen: error: " << file << ": read error\n";
        return kExitIo;
      }
      options_.sources.push_back(fs::path(file).filename().string());
    }
    LearnedPresets learned = learn_presets(queries, options_);
    if (auto status = write_presets(learned, options_, out_); !status) {
      return report(status.error());
    }
    std::cout << "learned " << learned.templates.size() << " templates and " << learned.pools.size()
              << " pools from " << learned.queries << " queries (" << learned.skipped
              << " skipped, " << learned.dropped << " below --min-count " << options_.min_count
              << ")\n";
    return 0;
  }

 private:
  std::vector<std::string> files_;
  std::string out_;
  LearnOptions options_;
};

std::vector<std::unique_ptr<Command>> commands() {
  std::vector<std::unique_ptr<Command>> all;
  all.push_back(std::make_unique<GenerateCommand>());
  all.push_back(std::make_unique<SpaceCommand>());
  all.push_back(std::make_unique<PresetsCommand>());
  all.push_back(std::make_unique<ValidateCommand>());
  all.push_back(std::make_unique<LearnCommand>());
  return all;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"dorkgen: combinatorial search-query generator (templates x value pools)",
               "dorkgen"};
  // At most one subcommand; "none" is reported below, after unknown options, so that
  // `dorkgen --bogus` names --bogus.
  app.require_subcommand(0, 1);
  std::vector<std::unique_ptr<Command>> table = commands();
  std::vector<std::pair<CLI::App*, Command*>> parsed;
  for (const std::unique_ptr<Command>& command : table) {
    CLI::App* sub = app.add_subcommand(command->name(), command->help());
    command->define(sub);
    parsed.emplace_back(sub, command.get());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help is not an error; everything else is bad input, said with the program's name.
    if (error.get_exit_code() == 0) return app.exit(error);
    std::cerr << "dorkgen: error: " << error.what() << "\n"
              << "Run 'dorkgen --help' for the commands and options.\n";
    return kExitUsage;
  }
  std::string names;
  for (auto& [sub, command] : parsed) {
    if (*sub) return command->run();
    names += std::string(names.empty() ? "" : ", ") + command->name();
  }
  std::cerr << "dorkgen: error: a command is required (" << names << ")\n"
            << "Run 'dorkgen --help' for the commands and options.\n";
  return kExitUsage;
}

}  // namespace dorkgen
