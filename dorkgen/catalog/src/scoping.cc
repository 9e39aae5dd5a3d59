#include "dorkgen/scoping.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace dorkgen {
namespace {

bool starts_with_operator(std::string_view text, std::size_t at, const std::string& op) {
  if (text.size() < at + op.size() + 1 || text[at + op.size()] != ':') return false;
  for (std::size_t i = 0; i < op.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != op[i]) return false;
  }
  return true;
}

// What a template's own site scope becomes under --site.
struct Unscoped {
  std::string text;      // the template without its site terms ("" when nothing is left)
  bool grouped = false;  // a site term sits inside ( ): removing it would change the group
  int removed = 0;
};

// Removes every term "site:..." or "-site:..." outside quoted phrases from a template's raw
// text (a term ends at the next blank outside quotes), then tidies the blanks.
Unscoped remove_site_terms(std::string_view text, const std::string& op) {
  Unscoped result;
  std::string kept;
  bool in_quotes = false;
  int depth = 0;
  bool term_start = true;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (!in_quotes && term_start) {
      std::size_t at = i + (c == '-' ? 1 : 0);
      if (starts_with_operator(text, at, op)) {
        if (depth > 0) result.grouped = true;
        bool quoted = false;
        std::size_t end = at;
        while (end < text.size() && (quoted || text[end] != ' ')) {
          if (text[end] == '"') quoted = !quoted;
          ++end;
        }
        ++result.removed;
        i = end;
        continue;
      }
    }
    if (c == '"') in_quotes = !in_quotes;
    if (!in_quotes && c == '(') ++depth;
    if (!in_quotes && c == ')') --depth;
    term_start = !in_quotes && (c == ' ' || c == '(');
    kept += c;
    ++i;
  }
  // Collapse the blanks a removed term leaves (quoted phrases keep theirs).
  in_quotes = false;
  for (char c : kept) {
    if (c == '"') in_quotes = !in_quotes;
    if (c == ' ' && !in_quotes && (result.text.empty() || result.text.back() == ' ')) continue;
    result.text += c;
  }
  while (!result.text.empty() && result.text.back() == ' ') result.text.pop_back();
  return result;
}

std::string summary(const std::vector<std::string>& origins) {
  std::string out;
  for (std::size_t i = 0; i < origins.size() && i < 2; ++i) out += (i ? ", " : "") + origins[i];
  if (origins.size() > 2) out += " and " + std::to_string(origins.size() - 2) + " more";
  return out;
}

}  // namespace

core::Status scope_to_targets(const EngineProfile& profile, const std::vector<std::string>& targets,
                              std::vector<TemplateSource>& sources, std::vector<Pool>& pools,
                              std::vector<std::string>& notes) {
  if (targets.empty()) return core::ok_status();
  const std::string op(profile.site_operator());
  if (op.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      profile.name + " has no site operator: --site cannot scope its queries");
  }
  std::vector<TemplateSource> scoped;
  std::map<std::string, std::string> seen;  // scoped text -> origin
  std::vector<std::string> replaced, only_scope, grouped, same;
  for (TemplateSource& source : sources) {
    Unscoped rest = remove_site_terms(source.parsed.text(), op);
    if (rest.grouped) {
      grouped.push_back(source.origin);
      continue;
    }
    if (rest.text.empty()) {
      only_scope.push_back(source.origin);
      continue;
    }
    std::string text = op + ":{" + kTargetPool + "} " + rest.text;
    auto [it, inserted] = seen.emplace(text, source.origin);
    if (!inserted) {
      same.push_back(source.origin + " (as " + it->second + ")");
      continue;
    }
    auto parsed = Template::parse(text);
    if (!parsed) return core::fail(parsed.error().with_context(source.origin + " with --site"));
    if (rest.removed > 0) replaced.push_back(source.origin);
    source.parsed = std::move(*parsed);
    scoped.push_back(std::move(source));
  }
  const std::string scope = op + ":";
  if (!replaced.empty()) {
    notes.push_back("--site replaces the own " + scope + " scope of " +
                    std::to_string(replaced.size()) + " templates: " + summary(replaced));
  }
  if (!only_scope.empty()) {
    notes.push_back("--site leaves out " + std::to_string(only_scope.size()) +
                    " templates that are only a " + scope + " scope: " + summary(only_scope));
  }
  if (!grouped.empty()) {
    notes.push_back("--site leaves out " + std::to_string(grouped.size()) + " templates with " +
                    scope + " inside a ( ) group: " + summary(grouped));
  }
  if (!same.empty()) {
    notes.push_back("--site leaves out " + std::to_string(same.size()) +
                    " templates that become the same as another once scoped: " + summary(same));
  }
  if (scoped.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no selected template can take --site: every one is only a " + scope +
                          " scope (choose other query types)");
  }
  sources = std::move(scoped);
  std::erase_if(pools, [](const Pool& pool) { return pool.name == kTargetPool; });
  pools.push_back(Pool{kTargetPool, targets, "--site targets"});
  return core::ok_status();
}

}  // namespace dorkgen
