// Reading one search query (a dork) into terms, without judging it. The grammar is the
// common subset of Google, Bing, DuckDuckGo and Yandex syntax:
//   term     := ['-' | '+'] (operator | phrase | word) | '(' | ')' | 'OR' | 'AND' | '|'
//   operator := name ':' (phrase | group | bare) name = [A-Za-z_]+ ; bare may be empty
//   group    := '(' ... ')'                      "inurl:(admin|login)": one value, the
//                                                parentheses matched outside quotes; an
//                                                unclosed group runs to the end
//   phrase   := '"' ... '"'                      an unclosed quote runs to the end
// The all-in operators (allintitle:, allinurl:, allintext:, allinanchor:) take the words
// and phrases after them, with or without a space after the colon, up to the next operator,
// group, sign or OR: "allintitle: EDR400 login" has one term whose value is "EDR400 login".
// Whitespace separates terms; parentheses may touch terms: "(site:a OR site:b)".
// Whether a name is an operator at all is the engine's business (dorky/check): "Re:" is an
// operator term here with an empty value.
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
  bool grouped = false;            // operator value written as "(...)"; value is the inside
  bool unclosed_group = false;     // a group value without its ')'
  bool all_in = false;             // an all-in operator whose value is the words after it
  bool space_after_colon = false;  // all-in operator written "allintitle: words"
  std::size_t offset = 0;          // byte offset of the term in the query
};

// Splits `query` into terms. Views point into `query`, which must outlive them. Never
// fails: problems are visible in the terms (unclosed_quote, empty values, stray ')').
std::vector<Term> parse_query(std::string_view query);

// The shape of a query: its operators (names lowercased, signs kept), groups and OR/AND,
// with every value, phrase and run of words replaced by "{}" (quoted: "\"{}\"", a group
// value: "({})"). `intitle:"Index of" backup -site:x.com` has the shape
// `intitle:"{}" {} -site:{}`.
std::string query_shape(std::string_view query);

// True for allintitle, allinurl, allintext, allinanchor (any case).
bool is_all_in_operator(std::string_view name);

// ASCII-lowercased copy, for comparing operator names.
std::string lower_ascii(std::string_view text);

// A term's value as the engine reads it: quotes dropped, runs of spaces made one, and a
// group value split into its alternatives ("(a | \"b c\")" gives "a" and "b c"). Empty
// values are left out.
std::vector<std::string> read_values(const Term& term);

}  // namespace dorky
