#include "dorkgen/template.h"

#include <algorithm>

namespace dorkgen {
namespace {

core::Error bad(std::size_t index, std::string reason) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "column " + std::to_string(index + 1) + ": " + std::move(reason));
}

}  // namespace

bool is_valid_placeholder_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

core::Result<Template> Template::parse(std::string_view text) {
  Template result;
  result.text_ = std::string(text);
  if (text.empty()) return core::fail(bad(0, "empty template"));
  std::string literal;
  bool in_quotes = false;
  std::size_t quote_open = 0;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    result.literal_bytes_ += literal.size();
    result.segments_.push_back(Segment{false, 0, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        ++i;
        continue;
      }
      return core::fail(bad(i, "lone '}' (write '}}' for a literal brace)"));
    }
    if (c == '"') {
      if (!in_quotes) quote_open = i;
      in_quotes = !in_quotes;
      literal.push_back(c);
      continue;
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
      continue;
    }
    std::size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return core::fail(bad(i, "unterminated '{' (write '{{' for a literal brace)"));
    }
    std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) return core::fail(bad(i, "empty placeholder '{}'"));
    if (!is_valid_placeholder_name(name)) {
      return core::fail(bad(i + 1, "invalid placeholder name '" + std::string(name) +
                                       "' (lowercase letters, digits, '_' or '-', starting with "
                                       "a letter, at most 32 bytes)"));
    }
    auto found = std::find_if(result.slots_.begin(), result.slots_.end(),
                              [&](const Slot& slot) { return slot.name == name; });
    std::uint32_t slot_index = static_cast<std::uint32_t>(found - result.slots_.begin());
    if (found == result.slots_.end()) {
      if (result.slots_.size() == kMaxSlots) {
        return core::fail(
            bad(i, "more than " + std::to_string(kMaxSlots) + " distinct placeholders"));
      }
      result.slots_.push_back(Slot{std::string(name), false});
    }
    if (in_quotes) result.slots_[slot_index].quoted = true;
    flush_literal();
    result.segments_.push_back(Segment{true, slot_index, {}});
    i = close;
  }
  if (in_quotes) return core::fail(bad(quote_open, "unbalanced double quote"));
  flush_literal();
  return result;
}

}  // namespace dorkgen
