// The template grammar (documented in dorkgen/docs/templates.md). A template is the shape of a
// query: literal text with placeholders `{name}` that pools fill in. `{{` and `}}` stand for
// literal braces. Double quotes are literal characters, but the parser tracks them so that a
// placeholder inside a quoted phrase is known to be quoted (its values may not contain `"`) and
// an unbalanced quote is an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dorkgen {

// Most distinct placeholders one template may use; keeps decode state on the stack.
inline constexpr std::size_t kMaxSlots = 16;

// One piece of a parsed template: literal text, or a reference to a slot.
struct Segment {
  bool is_slot = false;
  std::uint32_t slot = 0;  // index into Template::slots() when is_slot
  std::string literal;     // unescaped text when !is_slot
};

// A placeholder name used by a template. A name used twice binds the same value both times.
struct Slot {
  std::string name;
  bool quoted = false;  // at least one occurrence sits inside a "quoted phrase"
};

// A parsed template. Immutable after parse(); cheap to copy. Thread safe for readers.
class Template {
 public:
  // Parses `text`. Fails with kInvalidArgument and a message naming the 1-based column and the
  // reason: a lone `}`, an unterminated or empty `{`, a bad placeholder name, an unbalanced
  // double quote, more than kMaxSlots distinct placeholders, an empty template.
  static core::Result<Template> parse(std::string_view text);

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Slot>& slots() const { return slots_; }

  // Sum of literal bytes (what every rendering contains besides values).
  std::size_t literal_bytes() const { return literal_bytes_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Slot> slots_;
  std::size_t literal_bytes_ = 0;
};

// True for a valid placeholder name: a lowercase ASCII letter, then lowercase letters, digits,
// '_' or '-', at most 32 bytes. Pool file names follow the same rule.
bool is_valid_placeholder_name(std::string_view name);

}  // namespace dorkgen
