#include "dorky/query.h"

#include <string>

namespace dorky {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }
bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

}  // namespace

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<Term> parse_query(std::string_view q) {
  std::vector<Term> terms;
  std::size_t i = 0, n = q.size();
  while (i < n) {
    if (is_space(q[i])) {
      ++i;
      continue;
    }
    Term term;
    term.offset = i;
    if (q[i] == '(' || q[i] == ')') {
      term.kind = q[i] == '(' ? Term::Kind::kOpenParen : Term::Kind::kCloseParen;
      term.text = q.substr(i, 1);
      terms.push_back(term);
      ++i;
      continue;
    }
    std::size_t start = i;
    if ((q[i] == '-' || q[i] == '+') && i + 1 < n && !is_space(q[i + 1])) {
      term.negated = q[i] == '-';
      ++i;
    }
    // Reads a quoted run starting at q[i] == '"'; returns the inner view.
    auto read_quoted = [&]() {
      std::size_t open = i++;
      std::size_t close = q.find('"', i);
      if (close == std::string_view::npos) {
        term.unclosed_quote = true;
        i = n;
        return q.substr(open + 1);
      }
      i = close + 1;
      return q.substr(open + 1, close - open - 1);
    };
    // A bare run ends at whitespace or a ')' that closes a group.
    auto read_bare = [&]() {
      std::size_t from = i;
      while (i < n && !is_space(q[i]) && q[i] != ')') ++i;
      return q.substr(from, i - from);
    };
    std::size_t name_end = i;
    while (name_end < n && is_name_char(q[name_end])) ++name_end;
    if (name_end > i && name_end < n && q[name_end] == ':') {
      term.kind = Term::Kind::kOperator;
      term.name = q.substr(i, name_end - i);
      i = name_end + 1;
      if (i < n && q[i] == '"') {
        term.quoted = true;
        term.value = read_quoted();
      } else {
        term.value = read_bare();
      }
    } else if (q[i] == '"') {
      term.kind = Term::Kind::kPhrase;
      term.quoted = true;
      term.value = read_quoted();
    } else {
      term.value = read_bare();
      if (!term.negated && (term.value == "OR" || term.value == "|")) {
        term.kind = Term::Kind::kOr;
      } else if (!term.negated && term.value == "AND") {
        term.kind = Term::Kind::kAnd;
      } else {
        term.kind = Term::Kind::kWord;
      }
      if (term.value.empty()) {  // a lone sign before ')'
        term.value = q.substr(start, i - start);
      }
    }
    term.text = q.substr(start, i - start);
    terms.push_back(term);
  }
  return terms;
}

}  // namespace dorky
