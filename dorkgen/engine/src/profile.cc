#include "dorkgen/profile.h"

#include <algorithm>

namespace dorkgen {
namespace {

bool is_operator_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Calls fn(position, name) for every operator in `text` outside quotes. `in_quotes` carries the
// quote state across literal segments.
template <class Fn>
void scan_operators(std::string_view text, bool& in_quotes, bool at_term_start, Fn fn) {
  bool term_start = at_term_start;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      in_quotes = !in_quotes;
      term_start = false;
      continue;
    }
    if (c == ' ' || c == '(' || c == '-' || c == '|') {
      term_start = true;
      continue;
    }
    if (term_start && !in_quotes && is_operator_char(c)) {
      std::size_t end = i;
      while (end < text.size() && is_operator_char(text[end])) ++end;
      if (end < text.size() && text[end] == ':') fn(i, text.substr(i, end - i));
      i = end > i ? end - 1 : i;
    }
    term_start = false;
  }
}

}  // namespace

std::vector<std::string> operators_in(const Template& parsed) {
  std::vector<std::string> found;
  bool in_quotes = false;
  bool term_start = true;
  for (const Segment& segment : parsed.segments()) {
    if (segment.is_slot) {
      term_start = false;
      continue;
    }
    scan_operators(segment.literal, in_quotes, term_start,
                   [&](std::size_t, std::string_view name) { found.emplace_back(name); });
    term_start = false;
  }
  return found;
}

Adaptation adapt_template(const EngineProfile& profile, const TemplateSource& source) {
  Adaptation result;
  result.source = source;
  // Work on the raw text: operators never contain braces, so the escape rules do not interact.
  const std::string& text = source.parsed.text();
  std::string rewritten;
  std::vector<std::string> translated;
  bool in_quotes = false;
  std::size_t copied = 0;
  std::string rejected;
  scan_operators(text, in_quotes, true, [&](std::size_t at, std::string_view name) {
    if (!rejected.empty()) return;
    if (std::find(profile.operators.begin(), profile.operators.end(), name) !=
        profile.operators.end()) {
      return;
    }
    for (const auto& [from, to] : profile.translations) {
      if (from == name) {
        rewritten.append(text, copied, at - copied);
        rewritten += to;
        copied = at + name.size();
        translated.push_back(std::string(name) + ": -> " + to + ":");
        return;
      }
    }
    rejected = std::string(name);
  });
  if (!rejected.empty()) {
    result.note = source.origin + ": " + profile.name + " has no '" + rejected +
                  ":' operator (nor an equivalent); template left out";
    return result;
  }
  result.accepted = true;
  if (translated.empty()) return result;
  rewritten.append(text, copied);
  auto parsed = Template::parse(rewritten);
  CORE_CHECK(parsed.has_value());  // only operator names changed
  result.source.parsed = std::move(*parsed);
  result.note = source.origin + ": translated for " + profile.name + ":";
  for (const std::string& t : translated) result.note += " " + t;
  return result;
}

std::vector<std::string> limit_violations(const EngineProfile& profile, const Plan& plan) {
  std::vector<std::string> notes;
  for (const PlanTemplate& t : plan.templates()) {
    if (t.max_bytes > profile.max_query_bytes) {
      notes.push_back(t.source.origin + ": renders up to " + std::to_string(t.max_bytes) +
                      " bytes; " + profile.name + " accepts " +
                      std::to_string(profile.max_query_bytes));
      continue;
    }
    // Terms as the profiles count them (TermCounter); a value in an unquoted slot adds as many
    // words as its longest value has.
    TermCounter counter;
    for (const Segment& segment : t.source.parsed.segments()) {
      if (!segment.is_slot) {
        counter.add_text(segment.literal);
        continue;
      }
      std::size_t most = 0;
      const Pool& pool = plan.pools()[t.slot_pool[segment.slot]];
      for (const std::string& v : pool.values) {
        std::size_t words = v.empty() ? 0 : 1 + std::count(v.begin(), v.end(), ' ');
        most = std::max(most, words);
      }
      counter.add_words(most);
    }
    std::size_t terms = counter.terms();
    if (terms > profile.max_terms) {
      notes.push_back(t.source.origin + ": has up to " + std::to_string(terms) + " terms; " +
                      profile.name + " honours only the first " +
                      std::to_string(profile.max_terms));
    }
  }
  return notes;
}

}  // namespace dorkgen
