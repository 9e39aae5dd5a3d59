// Search engine profiles: which operators an engine understands, which operators it spells
// differently (Yandex `mime:` for Google's `filetype:`), how long a query may be, and how many
// terms it honours. The one definition used by dorkgen (templates are adapted to and checked
// against the chosen profile) and by dorky (dorky-check lints queries against it,
// dorky-suggest maps the engines' spellings to the same pools).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dorkgen {

// How far an engine stands behind an operator (dorky/docs/engine-profiles.md lists each one
// with its source).
enum class OperatorStatus {
  kDocumented,    // in the engine's own help or reference pages
  kUndocumented,  // works today but the engine does not document it (Google's inurl:)
  kDeprecated,    // retired: the engine now reads it as text or ignores it (numrange:)
};

struct OperatorInfo {
  std::string name;  // lowercase, without ':'
  OperatorStatus status = OperatorStatus::kDocumented;
  std::string source;  // where the status comes from, for the documentation
};

struct EngineProfile {
  std::string name;
  std::vector<std::string> operators;  // what the engine reads today: lowercase, without ':'
  std::vector<OperatorInfo> catalog;   // every operator above plus the deprecated ones
  std::vector<std::pair<std::string, std::string>> translations;  // from -> to
  std::size_t max_query_bytes = 2048;
  std::size_t max_terms = 32;  // terms past this are ignored by the engine

  bool knows(std::string_view lowercase_operator) const;
  // The operator this engine uses instead of `lowercase_operator` ("mime" for "filetype" on
  // yandex); empty when there is none.
  std::string_view translation(std::string_view lowercase_operator) const;
  // The operator that restricts a query to one host ("site" on every built-in profile, or
  // what the engine translates site: to); empty when the engine cannot scope a query.
  std::string_view site_operator() const;
  // The catalog entry of `lowercase_operator`, or nullptr.
  const OperatorInfo* find_operator(std::string_view lowercase_operator) const;
};

// The built-in profiles: google, bing, duckduckgo, yandex (in that order).
const std::vector<EngineProfile>& engine_profiles();
// nullptr for an unknown name.
const EngineProfile* find_engine_profile(std::string_view name);
// True when some profile catalogs `lowercase_operator` or translates it: a name that means
// something to a search engine, as opposed to text that happens to end in a colon ("Re:").
bool is_engine_operator(std::string_view lowercase_operator);

// Counts terms the way the profiles' max_terms means them: the words separated by spaces
// outside double quotes, a quoted phrase being one term. Text is fed in pieces; a template's
// placeholder is fed as the number of words its value has (add_words), so dorkgen can bound a
// template and dorky can count a finished query with the same rule.
class TermCounter {
 public:
  void add_text(std::string_view text);
  // A value of `words` space-separated words outside quotes (inside quotes it adds nothing:
  // the phrase is one term already).
  void add_words(std::size_t words);
  bool in_quotes() const { return in_quotes_; }
  std::size_t terms() const { return terms_; }

 private:
  std::size_t terms_ = 0;
  bool in_word_ = false;
  bool in_quotes_ = false;
};

// The terms of a whole query (TermCounter over its text).
std::size_t count_terms(std::string_view query);

}  // namespace dorkgen
