// Preset libraries: plain files in a directory (format in dorkgen/docs/presets.md).
//
//   <dir>/pools/<name>.txt        one value per line; fills placeholder {name}
//   <dir>/templates/<type>.txt    one template per line; the file name is the query type
//
// Several directories can be layered (the shipped library, then a user's): a file in a later
// directory replaces the file with the same relative path in an earlier one, so a user can
// override one pool or add one query type without copying the rest. Everything is validated
// when loaded, before any generation can start.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorkgen/config.h"
#include "dorkgen/plan.h"
#include "dorkgen/template.h"

namespace dorkgen {

struct PoolFile {
  std::string name;            // placeholder name
  std::filesystem::path path;  // where it was read from
  std::vector<std::string> values;
};

struct TemplateLine {
  int line = 0;
  Template parsed;
};

struct QueryTypeFile {
  std::string name;  // query type, e.g. "login-portals"
  std::filesystem::path path;
  std::string description;  // the first comment line, without "# "
  std::vector<TemplateLine> templates;
};

// Immutable after load(); thread safe for readers.
class PresetLibrary {
 public:
  // Loads and validates every file of `dirs` (later directories override earlier ones).
  // Fails with a message "<file>:<line>: <reason>" (or "<file>: <reason>") for: a missing
  // directory or one with neither pools/ nor templates/; an unreadable, empty, or invalid-UTF-8
  // file; a file name that is not a valid placeholder / type name; a value with a control
  // character, leading/trailing whitespace, or over 256 bytes; a duplicate value or template;
  // a malformed template; a placeholder with no pool.
  static core::Result<PresetLibrary> load(const std::vector<std::filesystem::path>& dirs);

  const std::vector<PoolFile>& pools() const { return pools_; }       // sorted by name
  const std::vector<QueryTypeFile>& types() const { return types_; }  // sorted by name
  const PoolFile* find_pool(std::string_view name) const;

 private:
  std::vector<PoolFile> pools_;
  std::vector<QueryTypeFile> types_;
};

// Checks one value the same way pool files are checked; `reason` gets why it is bad.
bool is_valid_value(std::string_view value, std::string* reason);
// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// A plan ready to generate, and what was done to fit the engine.
struct BuiltPlan {
  Plan plan;
  std::vector<std::string> notes;  // translations and templates left out, one line each
};

// Chooses the query types, applies keyword/filetype overrides (validated like pool values),
// adapts every template to the config's engine profile, and creates the plan. Fails with
// kInvalidArgument for an unknown engine or query type, a bad override value, or when no
// template is left.
core::Result<BuiltPlan> build_plan(const PresetLibrary& library, const GeneratorConfig& config);

}  // namespace dorkgen
