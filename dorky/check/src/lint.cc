// lint_query: the per-query rules of dorky-check. Codes and severities are documented in
// dorky/docs/check-findings.md; keep the two in step.
#include <algorithm>
#include <vector>

#include "dorky/check.h"
#include "dorky/query.h"

namespace dorky {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// URL schemes in bare words ("http://host") are text to every engine, not unknown operators.
bool is_url_scheme(std::string_view lowercase_name) {
  return lowercase_name == "http" || lowercase_name == "https" || lowercase_name == "ftp" ||
         lowercase_name == "file" || lowercase_name == "mailto";
}

void add(std::vector<Finding>& findings, Severity severity, std::string_view code,
         std::size_t offset, std::string message) {
  findings.push_back(Finding{severity, code, offset + 1, std::move(message)});
}

}  // namespace

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

void lint_query(std::string_view query, const EngineProfile& profile,
                std::vector<Finding>& findings) {
  if (!query.empty() && query.back() == '\r') query.remove_suffix(1);
  if (query.find_first_not_of(" \t") == std::string_view::npos) {
    add(findings, Severity::kWarning, "empty-query", 0, "empty query");
    return;
  }
  std::size_t quotes = 0, last_quote = 0;
  for (std::size_t i = 0; i < query.size(); ++i) {
    if (query[i] == '"') {
      ++quotes;
      last_quote = i;
    }
  }
  if (quotes % 2 != 0) {
    add(findings, Severity::kError, "unclosed-quote", last_quote,
        "unclosed double quote: the phrase runs to the end of the query");
  }
  std::vector<Term> terms = parse_query(query);
  std::vector<std::size_t> open_parens;  // offsets of the '(' not closed yet
  const std::string engine(profile.name);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const Term& term = terms[t];
    switch (term.kind) {
      case Term::Kind::kOpenParen:
        open_parens.push_back(term.offset + term.text.size() - 1);
        break;
      case Term::Kind::kCloseParen:
        if (open_parens.empty()) {
          add(findings, Severity::kError, "stray-paren", term.offset, "')' without '('");
        } else {
          open_parens.pop_back();
        }
        break;
      case Term::Kind::kOr: {
        bool at_start = t == 0 || terms[t - 1].kind == Term::Kind::kOpenParen ||
                        terms[t - 1].kind == Term::Kind::kOr;
        bool at_end = t + 1 == terms.size() || terms[t + 1].kind == Term::Kind::kCloseParen;
        if (at_start || at_end) {
          add(findings, Severity::kWarning, "dangling-or", term.offset,
              "'" + std::string(term.text) + "' with nothing on one side");
        }
        break;
      }
      case Term::Kind::kOperator: {
        std::size_t at = static_cast<std::size_t>(term.name.data() - query.data());
        std::string name = lower_ascii(term.name);
        std::string written = std::string(term.name) + ":";
        std::size_t after = at + term.name.size() + 1;
        bool space_follows = after < query.size() && is_space(query[after]);
        if (term.unclosed_group) {
          add(findings, Severity::kError, "unclosed-group", after,
              "'(' of the '" + written + "' value never closed");
        }
        if (profile.knows(name)) {
          if (!term.value.empty() || term.quoted || term.grouped) break;
          // "site: example.com" still has its value in the next word; "site:" at the end,
          // before ')' or before another operator has none.
          bool word_follows = false;
          if (space_follows && t + 1 < terms.size()) {
            Term::Kind next = terms[t + 1].kind;
            word_follows = next == Term::Kind::kWord || next == Term::Kind::kPhrase;
          }
          if (word_follows) {
            add(findings, Severity::kWarning, "space-after-colon", at,
                "space after '" + written + "': " + engine +
                    " may read the next word as plain text");
          } else {
            add(findings, Severity::kError, "empty-value", at, "empty value for '" + written + "'");
          }
          break;
        }
        // A name with nothing attached ("index of: /x", "Re:", "-man:") is a word ending in a
        // colon: text to the engine, whatever the name.
        if (term.value.empty() && !term.quoted && !term.grouped) break;
        const dorkgen::OperatorInfo* info = profile.engine->find_operator(name);
        if (info != nullptr && info->status == dorkgen::OperatorStatus::kDeprecated) {
          add(findings, Severity::kWarning, "deprecated-operator", at,
              "'" + written + "' is retired on " + engine + " and is read as text");
        } else if (dorkgen::is_engine_operator(name)) {
          std::string_view instead = profile.translation(name);
          add(findings, Severity::kError, "unsupported-operator", at,
              "'" + written + "' is not an operator on " + engine +
                  (instead.empty() ? std::string() : " (use '" + std::string(instead) + ":')"));
        } else if (!is_url_scheme(name)) {
          add(findings, Severity::kWarning, "unknown-operator", at,
              "'" + written + "' is no " + engine + " operator; it is read as text");
        }
        break;
      }
      default:
        break;
    }
  }
  if (!open_parens.empty()) {
    add(findings, Severity::kError, "unclosed-group", open_parens.front(), "'(' never closed");
  }
  // Terms as dorkgen counts them, less the OR/AND/| connectives: long published dorks are
  // mostly "a | b | c" lists, and the engines limit words, not connectives. dorkgen counts
  // the connectives too, so whatever it generates stays within this count.
  std::size_t connectives = 0;
  for (const Term& term : terms) {
    connectives += term.kind == Term::Kind::kOr || term.kind == Term::Kind::kAnd;
  }
  std::size_t count = dorkgen::count_terms(query);
  count -= std::min(count, connectives);
  if (count > profile.max_terms) {
    add(findings, Severity::kError, "too-many-terms", 0,
        "too many terms (" + std::to_string(count) + " > " + std::to_string(profile.max_terms) +
            " for " + engine + "; the rest are ignored)");
  }
  if (query.size() > profile.max_bytes) {
    add(findings, Severity::kError, "too-long", profile.max_bytes,
        "too long (" + std::to_string(query.size()) + " > " + std::to_string(profile.max_bytes) +
            " bytes for " + engine + ")");
  }
}

}  // namespace dorky
