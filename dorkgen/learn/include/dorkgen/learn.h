// Learning presets from queries people already use: each query becomes a shape (a template)
// by replacing its values with placeholders, equal shapes merge, and the values go into
// pools, so the learned library regenerates every query it kept and combines their values
// into new ones. Documented in dorkgen/docs/learn.md.
//
// Placeholders are named by role: an operator's value by the operator (`ext:` and
// `filetype:` share one pool, as do an operator and its all-in form), a quoted phrase
// `phrase`, a run of bare words `keyword`; the second value of one role in a query gets
// `<role>_2`, and so on (a name used twice in a template binds one value). Pool names carry
// the query type as a prefix (`learned-site`), so a learned library layered over another
// does not replace its pools.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dorkgen {

struct LearnOptions {
  std::size_t min_count = 1;          // drop shapes seen fewer times than this
  std::string type_name = "learned";  // query type, and the prefix of every pool name
  std::vector<std::string> sources;   // input names, for the files' headers
};

struct LearnedPool {
  std::string name;                 // placeholder and file name: "<type>-<role>"
  std::vector<std::string> values;  // first-seen order, no duplicates
};

struct LearnedTemplate {
  std::string text;       // template grammar (dorkgen/docs/templates.md)
  std::size_t count = 0;  // input queries of this shape
};

struct LearnedPresets {
  std::vector<LearnedTemplate> templates;  // most frequent first, then first seen
  std::vector<LearnedPool> pools;          // sorted by name
  std::size_t queries = 0;                 // non-blank input lines
  std::size_t skipped = 0;                 // lines that cannot be a template (see learn_presets)
  std::size_t dropped = 0;  // queries whose shape was seen fewer than min_count times
};

// Learns from `queries` (one query each; a trailing CR is ignored, blank lines and lines
// starting with '#' are skipped). A query is skipped, and counted in `skipped`, when it
// cannot be rendered back exactly: unbalanced quotes, a value a pool may not hold (a
// leading '#', control characters, more than 256 bytes, invalid UTF-8), or more than 16
// placeholders. Never fails.
LearnedPresets learn_presets(const std::vector<std::string>& queries, const LearnOptions& options);

// Writes `presets` as a preset directory: `dir/templates/<type>.txt` and
// `dir/pools/<name>.txt`, each file atomically, creating the directories. Fails on an I/O
// error (the files already written stay) or when `presets` has no template.
core::Status write_presets(const LearnedPresets& presets, const LearnOptions& options,
                           const std::filesystem::path& dir);

}  // namespace dorkgen
