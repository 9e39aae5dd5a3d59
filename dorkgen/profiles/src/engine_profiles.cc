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

std::string_view EngineProfile::site_operator() const {
  if (knows("site")) return "site";
  return translation("site");
}

const OperatorInfo* EngineProfile::find_operator(std::string_view lowercase_operator) const {
  for (const OperatorInfo& info : catalog) {
    if (info.name == lowercase_operator) return &info;
  }
  return nullptr;
}

namespace {

constexpr OperatorStatus kDoc = OperatorStatus::kDocumented;
constexpr OperatorStatus kUndoc = OperatorStatus::kUndocumented;
constexpr OperatorStatus kGone = OperatorStatus::kDeprecated;

// The sources the statuses come from (dorky/docs/engine-profiles.md repeats them).
constexpr const char* kGoogleHelp = "Google Search Help, Refine web searches";
constexpr const char* kGoogleCentral = "Google Search Central, Search operators";
constexpr const char* kGoogleGuide =
    "Google's former Advanced Operators reference (Google Guide); still honoured";
constexpr const char* kGoogleRetired = "retired by Google; read as text since";
constexpr const char* kBingHelp = "Bing Help, Advanced search keywords";
constexpr const char* kDdgHelp = "DuckDuckGo Help, Search syntax";
constexpr const char* kYandexHelp = "Yandex Search Help, Search operators";

EngineProfile make_profile(std::string name, std::vector<OperatorInfo> catalog,
                           std::vector<std::pair<std::string, std::string>> translations,
                           std::size_t max_query_bytes, std::size_t max_terms) {
  EngineProfile profile;
  profile.name = std::move(name);
  for (const OperatorInfo& info : catalog) {
    if (info.status != OperatorStatus::kDeprecated) profile.operators.push_back(info.name);
  }
  profile.catalog = std::move(catalog);
  profile.translations = std::move(translations);
  profile.max_query_bytes = max_query_bytes;
  profile.max_terms = max_terms;
  return profile;
}

std::string retired(const char* when) { return std::string(kGoogleRetired) + " " + when; }

}  // namespace

const std::vector<EngineProfile>& engine_profiles() {
  static const std::vector<EngineProfile> profiles = {
      make_profile("google",
                   {{"site", kDoc, kGoogleHelp},
                    {"filetype", kDoc, kGoogleCentral},
                    {"ext", kUndoc, "alias of filetype: (" + std::string(kGoogleGuide) + ")"},
                    {"inurl", kUndoc, kGoogleGuide},
                    {"allinurl", kUndoc, kGoogleGuide},
                    {"intitle", kUndoc, kGoogleGuide},
                    {"allintitle", kUndoc, kGoogleGuide},
                    {"intext", kUndoc, kGoogleGuide},
                    {"allintext", kUndoc, kGoogleGuide},
                    {"inanchor", kUndoc, kGoogleGuide},
                    {"allinanchor", kUndoc, kGoogleGuide},
                    {"before", kUndoc, "announced by Google SearchLiaison (2019)"},
                    {"after", kUndoc, "announced by Google SearchLiaison (2019)"},
                    {"define", kUndoc, kGoogleGuide},
                    {"source", kUndoc, "Google News (" + std::string(kGoogleGuide) + ")"},
                    {"location", kUndoc, "Google News (" + std::string(kGoogleGuide) + ")"},
                    {"related", kGone, retired("2023 (Google Search Central)")},
                    {"cache", kGone, retired("2024 (Google SearchLiaison)")},
                    {"link", kGone, retired("2017 (Google Webmasters)")},
                    {"info", kGone, retired("2017")},
                    {"numrange", kGone, retired("about 2011 (Google Guide)")},
                    {"daterange", kGone, retired("about 2014 (Google Guide)")},
                    {"phonebook", kGone, retired("2010 (Google Guide)")},
                    {"inpostauthor", kGone, retired("2011 with Blog Search")},
                    {"inposttitle", kGone, retired("2011 with Blog Search")},
                    {"blogurl", kGone, retired("2011 with Blog Search")}},
                   {}, 2048, 32),
      make_profile("bing",
                   {{"site", kDoc, kBingHelp},
                    {"filetype", kDoc, kBingHelp},
                    {"ext", kDoc, kBingHelp},
                    {"inurl", kUndoc, "works, not in " + std::string(kBingHelp)},
                    {"intitle", kDoc, kBingHelp},
                    {"inbody", kDoc, kBingHelp},
                    {"inanchor", kDoc, kBingHelp},
                    {"contains", kDoc, kBingHelp},
                    {"ip", kDoc, kBingHelp},
                    {"language", kDoc, kBingHelp},
                    {"loc", kDoc, kBingHelp},
                    {"url", kDoc, kBingHelp},
                    {"feed", kDoc, kBingHelp},
                    {"hasfeed", kDoc, kBingHelp},
                    {"instreamset", kDoc, kBingHelp},
                    {"linkfromdomain", kGone, "removed from " + std::string(kBingHelp)},
                    {"cache", kGone, "retired by Bing in 2024 (Bing Webmaster Tools)"}},
                   {{"intext", "inbody"}, {"allintitle", "intitle"}, {"allinurl", "inurl"}}, 2048,
                   10),
      make_profile("duckduckgo",
                   {{"site", kDoc, kDdgHelp},
                    {"filetype", kDoc, kDdgHelp},
                    {"intitle", kDoc, kDdgHelp},
                    {"inurl", kDoc, kDdgHelp},
                    {"inbody", kUndoc, "works (Bing's index), not in " + std::string(kDdgHelp)}},
                   {{"ext", "filetype"}, {"intext", "inbody"}, {"allintitle", "intitle"}}, 500, 32),
      make_profile(
          "yandex",
          {{"site", kDoc, kYandexHelp},
           {"mime", kDoc, kYandexHelp},
           {"inurl", kDoc, kYandexHelp},
           {"url", kDoc, kYandexHelp},
           {"title", kDoc, kYandexHelp},
           {"host", kDoc, kYandexHelp},
           {"rhost", kDoc, kYandexHelp},
           {"domain", kDoc, kYandexHelp},
           {"lang", kDoc, kYandexHelp},
           {"date", kDoc, kYandexHelp}},
          {{"filetype", "mime"}, {"ext", "mime"}, {"intitle", "title"}, {"allintitle", "title"}},
          400, 40),
  };
  return profiles;
}

bool is_engine_operator(std::string_view lowercase_operator) {
  for (const EngineProfile& profile : engine_profiles()) {
    if (profile.find_operator(lowercase_operator) != nullptr ||
        !profile.translation(lowercase_operator).empty()) {
      return true;
    }
  }
  return false;
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
