// Reading one search query (a dork) into terms, without judging it. The grammar is the
// common subset of Google, Bing, DuckDuckGo and Yandex syntax:
//   term     := ['-' | '+'] (operator | phrase | word) | '(' | ')' | 'OR' | 'AND' | '|'
//   operator := name ':' (phrase | bare)       name = [A-Za-z_]+ ; bare may be empty
//   phrase   := '"' ... '"'                      an unclosed quote runs to the end
// Whitespace separates terms; parentheses may touch terms: "(site:a OR site:b)".
// Bytes that are not ASCII are kept as they are (values are byte strings).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dorky {

struct Term {
  enum class Kind { kOperator, kPhrase, kWord, kOr, kAnd, kOpenParen, kCloseParen };
  Kind kind = Kind::kWord;
  std::string_view name;   // operator name without ':' ("site"); empty otherwise
  std::string_view value;  // operator value or phrase/word text, without quotes
  std::string_view text;   // the whole term as written, sign and quotes included
  bool negated = false;    // written with a leading '-'
  bool quoted = false;     // value was in quotes
  bool unclosed_quote = false;
  std::size_t offset = 0;  // byte offset of the term in the query
};

// Splits `query` into terms. Views point into `query`, which must outlive them. Never
// fails: problems are visible in the terms (unclosed_quote, empty values, stray ')').
std::vector<Term> parse_query(std::string_view query);

// ASCII-lowercased copy, for comparing operator names.
std::string lower_ascii(std::string_view text);

}  // namespace dorky
