#include "dorky/query.h"

#include <string>

namespace dorky {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }
bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// True when q[i] starts an operator term: name characters, then ':'.
bool starts_operator(std::string_view q, std::size_t i) {
  std::size_t end = i;
  while (end < q.size() && is_name_char(q[end])) ++end;
  return end > i && end < q.size() && q[end] == ':';
}

}  // namespace

bool is_all_in_operator(std::string_view name) {
  std::string lower = lower_ascii(name);
  return lower == "allintitle" || lower == "allinurl" || lower == "allintext" ||
         lower == "allinanchor";
}

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
      if (q[i] == '(') {  // a signed group: "-(inurl:a | inurl:b)"
        term.kind = Term::Kind::kOpenParen;
        term.text = q.substr(start, 2);
        terms.push_back(term);
        ++i;
        continue;
      }
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
    // A bare run ends at whitespace or a ')' that closes a group; parentheses opened inside
    // the run belong to it ("id=(1)").
    auto read_bare = [&]() {
      std::size_t from = i;
      int depth = 0;
      while (i < n && !is_space(q[i])) {
        if (q[i] == '(' && i > from) ++depth;
        if (q[i] == ')' && depth-- == 0) break;
        ++i;
      }
      return q.substr(from, i - from);
    };
    std::size_t name_end = i;
    while (name_end < n && is_name_char(q[name_end])) ++name_end;
    if (name_end > i && name_end < n && q[name_end] == ':') {
      term.kind = Term::Kind::kOperator;
      term.name = q.substr(i, name_end - i);
      i = name_end + 1;
      if (is_all_in_operator(term.name)) {
        term.all_in = true;
        // Words and phrases up to the next operator, group, sign or OR.
        std::size_t from = i, last = i;
        while (true) {
          std::size_t next = i;
          while (next < n && is_space(q[next])) ++next;
          if (next >= n) break;
          // A sign is one only before a term, as below: a lone "-" or "+" is a word.
          const bool sign =
              (q[next] == '-' || q[next] == '+') && next + 1 < n && !is_space(q[next + 1]);
          if (q[next] == '(' || q[next] == ')' || sign || starts_operator(q, next)) {
            break;
          }
          std::size_t word_end = next;
          while (word_end < n && !is_space(q[word_end])) ++word_end;
          std::string_view word = q.substr(next, word_end - next);
          // As elsewhere in a query, '|' is an OR only standing alone ("|pdf" is a word).
          if (word == "OR" || word == "AND" || word == "|") break;
          if (i == from && next > i) term.space_after_colon = true;
          i = next;
          if (q[i] == '"') {
            read_quoted();
          } else {
            read_bare();
          }
          last = i;
        }
        i = last;
        std::size_t begin = from;
        while (begin < last && is_space(q[begin])) ++begin;
        term.value = q.substr(begin, last - begin);
        // One phrase alone is its inside, as for the other operators.
        if (term.value.size() >= 2 && term.value.front() == '"' &&
            term.value.find('"', 1) == term.value.size() - 1) {
          term.quoted = true;
          term.value = term.value.substr(1, term.value.size() - 2);
        }
      } else if (i < n && q[i] == '"') {
        term.quoted = true;
        term.value = read_quoted();
      } else if (i < n && q[i] == '(') {
        // A group value: up to the matching ')' outside quotes.
        term.grouped = true;
        std::size_t open = i++;
        int depth = 1;
        bool in_quotes = false;
        while (i < n && depth > 0) {
          if (q[i] == '"') in_quotes = !in_quotes;
          if (!in_quotes && q[i] == '(') ++depth;
          if (!in_quotes && q[i] == ')') --depth;
          ++i;
        }
        if (depth > 0) {
          term.unclosed_group = true;
          term.value = q.substr(open + 1);
        } else {
          term.value = q.substr(open + 1, i - open - 2);
        }
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

namespace {

// `text` without quotes, runs of whitespace as one space, trimmed.
std::string squeeze(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '"') continue;
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> read_values(const Term& term) {
  std::vector<std::string> values;
  auto keep = [&](std::string_view piece) {
    std::string value = squeeze(piece);
    if (!value.empty()) values.push_back(std::move(value));
  };
  if (!term.grouped) {
    keep(term.value);
    return values;
  }
  // Alternatives separated by '|' or a standalone OR, outside quotes.
  std::string_view v = term.value;
  bool in_quotes = false;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= v.size(); ++i) {
    bool end = i == v.size();
    if (!end && v[i] == '"') in_quotes = !in_quotes;
    if (end || (!in_quotes && v[i] == '|')) {
      keep(v.substr(from, i - from));
      from = i + 1;
    } else if (!in_quotes && v.substr(i, 2) == "OR" && (i == 0 || is_space(v[i - 1])) &&
               (i + 2 == v.size() || is_space(v[i + 2]))) {
      keep(v.substr(from, i - from));
      from = i + 2;
      ++i;
    }
  }
  return values;
}

std::string query_shape(std::string_view query) {
  std::string shape;
  bool words = false;       // the last piece was a run of words
  bool connective = false;  // the last piece was OR, AND or |
  auto piece = [&](std::string_view text, bool glue_left) {
    if (!shape.empty() && !glue_left && shape.back() != '(') shape += ' ';
    shape += text;
  };
  for (const Term& term : parse_query(query)) {
    std::string sign = term.negated ? "-" : (term.text.substr(0, 1) == "+" ? "+" : "");
    switch (term.kind) {
      case Term::Kind::kOperator: {
        std::string text = sign + lower_ascii(term.name) + ":";
        if (term.grouped) {
          text += "({})";
        } else if (term.quoted) {
          text += "\"{}\"";
        } else if (!term.value.empty()) {
          text += "{}";
        }
        piece(text, false);
        words = false;
        break;
      }
      case Term::Kind::kPhrase:
        piece(sign + "\"{}\"", false);
        words = false;
        break;
      case Term::Kind::kWord:
        if (!words || !sign.empty()) piece(sign + "{}", false);
        words = sign.empty();
        break;
      case Term::Kind::kOpenParen:
        piece(sign + "(", false);
        words = false;
        break;
      case Term::Kind::kCloseParen:
        // Never glued to a connective: "OR)" would read back as a word.
        piece(")", !connective);
        words = false;
        break;
      default:  // OR, AND, |
        piece(term.text, false);
        words = false;
        break;
    }
    connective = term.kind == Term::Kind::kOr || term.kind == Term::Kind::kAnd;
  }
  return shape;
}

}  // namespace dorky
