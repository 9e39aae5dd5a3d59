#include "dorkgen/engine_profiles.h"

#include <algorithm>

namespace dorkgen {

bool EngineProfile::knows(std::string_view lowercase_operator) const {
  return std::find(operators.begin(), operators.end(), lowercase_operator) != operators.end();
}

std::string_view EngineProfile::translation(std::string_view lowercase_operator) const {
  for (const auto& [from, to] : translations) {
    if (from == lowercase_operator) return to;
  }
  return {};
}

const std::vector<EngineProfile>& engine_profiles() {
  static const std::vector<EngineProfile> profiles = {
      {"google",
       {"site", "filetype", "ext", "inurl", "allinurl", "intitle", "allintitle", "intext",
        "allintext", "inanchor", "allinanchor", "related", "cache", "before", "after", "define",
        "source", "location"},
       {},
       2048,
       32},
      {"bing",
       {"site", "filetype", "ext", "inurl", "intitle", "inbody", "inanchor", "contains", "ip",
        "language", "loc", "url", "feed", "hasfeed", "instreamset"},
       {{"intext", "inbody"}, {"allintitle", "intitle"}, {"allinurl", "inurl"}},
       2048,
       10},
      {"duckduckgo",
       {"site", "filetype", "intitle", "inurl", "inbody"},
       {{"ext", "filetype"}, {"intext", "inbody"}, {"allintitle", "intitle"}},
       500,
       32},
      {"yandex",
       {"site", "mime", "inurl", "url", "title", "host", "rhost", "domain", "lang", "date"},
       {{"filetype", "mime"}, {"ext", "mime"}, {"intitle", "title"}, {"allintitle", "title"}},
       400,
       40},
  };
  return profiles;
}

const EngineProfile* find_engine_profile(std::string_view name) {
  for (const EngineProfile& profile : engine_profiles()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

void TermCounter::add_text(std::string_view text) {
  for (char c : text) {
    if (c == '"') in_quotes_ = !in_quotes_;
    if (c == ' ' && !in_quotes_) {
      in_word_ = false;
    } else if (!in_word_) {
      in_word_ = true;
      ++terms_;
    }
  }
}

void TermCounter::add_words(std::size_t words) {
  if (in_quotes_ || words == 0) return;
  terms_ += in_word_ ? words - 1 : words;  // the first word may continue the current one
  in_word_ = true;
}

std::size_t count_terms(std::string_view query) {
  TermCounter counter;
  counter.add_text(query);
  return counter.terms();
}

}  // namespace dorkgen
