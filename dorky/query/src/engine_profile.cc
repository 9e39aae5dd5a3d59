#include "dorky/engine_profile.h"

#include <algorithm>

namespace dorky {

bool EngineProfile::knows(std::string_view lowercase_operator) const {
  return std::find(operators.begin(), operators.end(), lowercase_operator) != operators.end();
}

std::optional<EngineProfile> find_engine_profile(std::string_view name) {
  if (name == "google") {
    return EngineProfile{
        "google",
        {"site",     "filetype",  "ext",      "inurl",       "allinurl", "intitle",  "allintitle",
         "intext",   "allintext", "inanchor", "allinanchor", "related",  "cache",    "before",
         "after",    "define",    "source",   "info",        "link",     "numrange", "daterange",
         "location", "weather",   "stocks",   "map",         "movie"},
        32,
        2048};
  }
  if (name == "bing") {
    return EngineProfile{
        "bing",
        {"site", "filetype", "ext", "inurl", "intitle", "inbody", "instreamset", "contains", "ip",
         "language", "loc", "location", "feed", "hasfeed", "url", "prefer", "inanchor"},
        50,
        2048};
  }
  if (name == "duckduckgo" || name == "ddg") {
    return EngineProfile{
        "duckduckgo",
        {"site", "filetype", "ext", "inurl", "intitle", "intext", "inbody", "region"},
        50,
        500};
  }
  if (name == "yandex") {
    return EngineProfile{"yandex",
                         {"site", "host", "domain", "rhost", "mime", "inurl", "url", "title",
                          "intitle", "lang", "date", "cat"},
                         40,
                         400};
  }
  return std::nullopt;
}

std::string_view engine_names() { return "google, bing, duckduckgo, yandex"; }

}  // namespace dorky
