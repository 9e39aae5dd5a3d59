#include "dorkgen/learn.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>

#include "core/atomic_file.h"
#include "dorkgen/engine_profiles.h"
#include "dorkgen/preset_library.h"
#include "dorkgen/template.h"

namespace dorkgen {
namespace {

constexpr std::size_t kMaxValueBytes = 256;  // the pool rule (dorkgen/docs/presets.md)
constexpr std::size_t kMaxPlaceholders = 16;

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The pool role of an operator: spellings of one filter share a pool.
std::string operator_role(const std::string& name) {
  if (name == "ext") return "filetype";
  if (name.starts_with("allin")) return "in" + name.substr(5);
  return name;
}

// A value span of the query and the role that names its placeholder.
struct ValueSpan {
  std::size_t begin = 0, end = 0;
  std::string role;
  bool quoted = false;
};

// Length of an engine operator's name at q[i] ("site" for "site:x"), or 0.
std::size_t operator_at(std::string_view q, std::size_t i) {
  std::size_t end = i;
  while (end < q.size() && is_name_char(q[end])) ++end;
  if (end == i || end >= q.size() || q[end] != ':') return 0;
  return is_engine_operator(lower(q.substr(i, end - i))) ? end - i : 0;
}

// End of a bare word at q[i]: whitespace or a ')' it did not open.
std::size_t bare_end(std::string_view q, std::size_t i) {
  int depth = 0;
  std::size_t from = i;
  while (i < q.size() && !is_space(q[i])) {
    if (q[i] == '(' && i > from) ++depth;
    if (q[i] == ')' && depth-- == 0) break;
    ++i;
  }
  return i;
}

bool plain_word_at(std::string_view q, std::size_t i) {
  if (i >= q.size() || is_space(q[i])) return false;
  char c = q[i];
  if (c == '"' || c == '(' || c == ')' || c == '-' || c == '+' || c == '|') return false;
  if (operator_at(q, i) > 0) return false;
  std::string_view word = q.substr(i, bare_end(q, i) - i);
  return word != "OR" && word != "AND" && !word.empty();
}

// The value slots of `q`, or nullopt when `q` cannot be a template (unbalanced quotes, a
// quote inside an unquoted value).
std::optional<std::vector<ValueSpan>> find_slots(std::string_view q) {
  std::vector<ValueSpan> slots;
  std::size_t i = 0, n = q.size();
  auto quoted_run = [&](std::size_t open, const std::string& role) -> bool {
    std::size_t close = q.find('"', open + 1);
    if (close == std::string_view::npos) return false;
    if (close > open + 1) slots.push_back({open + 1, close, role, true});
    i = close + 1;
    return true;
  };
  while (i < n) {
    if (is_space(q[i]) || q[i] == '(' || q[i] == ')') {
      ++i;
      continue;
    }
    bool signed_term = false;
    if ((q[i] == '-' || q[i] == '+') && i + 1 < n && !is_space(q[i + 1])) {
      signed_term = true;
      ++i;
      if (q[i] == '(') continue;
    }
    if (std::size_t name = operator_at(q, i); name > 0) {
      std::string op = lower(q.substr(i, name));
      std::string role = operator_role(op);
      i += name + 1;
      if (op.starts_with("allin")) {
        std::size_t from = i;
        while (from < n && is_space(q[from])) ++from;
        std::size_t end = from;
        for (std::size_t at = from; plain_word_at(q, at);) {
          end = bare_end(q, at);
          at = end;
          while (at < n && is_space(q[at])) ++at;
        }
        if (end > from) slots.push_back({from, end, role, false});
        i = std::max(i, end);
      } else if (i < n && q[i] == '"') {
        if (!quoted_run(i, role)) return std::nullopt;
      } else if (i < n && q[i] == '(') {
        std::size_t open = i++;
        int depth = 1;
        while (i < n && depth > 0) {
          if (q[i] == '(') ++depth;
          if (q[i] == ')') --depth;
          ++i;
        }
        if (depth > 0) return std::nullopt;
        if (i - 1 > open + 1) slots.push_back({open + 1, i - 1, role, false});
      } else {
        std::size_t end = bare_end(q, i);
        if (end > i) slots.push_back({i, end, role, false});
        i = end;
      }
      continue;
    }
    if (q[i] == '"') {
      if (!quoted_run(i, "phrase")) return std::nullopt;
      continue;
    }
    std::size_t end = bare_end(q, i);
    std::string_view word = q.substr(i, end - i);
    if (end == i) {  // a ')' right after a sign
      ++i;
      continue;
    }
    if (!signed_term && (word == "OR" || word == "AND" || word == "|")) {
      i = end;
      continue;
    }
    // A run of plain words is one value (a signed word stands alone).
    std::size_t from = i;
    std::size_t at = end;
    while (!signed_term) {
      std::size_t next = at;
      while (next < n && is_space(q[next])) ++next;
      if (!plain_word_at(q, next)) break;
      end = bare_end(q, next);
      at = end;
    }
    slots.push_back({from, end, "keyword", false});
    i = end;
  }
  for (const ValueSpan& slot : slots) {
    if (!slot.quoted &&
        q.substr(slot.begin, slot.end - slot.begin).find('"') != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return slots;
}

bool poolable(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueBytes || value.front() == '#') return false;
  if (is_space(value.front()) || is_space(value.back())) return false;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

void append_literal(std::string& out, std::string_view text) {
  for (char c : text) {
    out += c;
    if (c == '{' || c == '}') out += c;  // "{{" and "}}" are literal braces
  }
}

struct Shape {
  std::string text;
  std::size_t count = 0;
  std::size_t first = 0;
  // Per query of this shape: (pool name, value) pairs.
  std::vector<std::vector<std::pair<std::string, std::string>>> values;
};

}  // namespace

LearnedPresets learn_presets(const std::vector<std::string>& queries, const LearnOptions& options) {
  LearnedPresets learned;
  std::vector<Shape> shapes;
  std::unordered_map<std::string, std::size_t> by_text;
  for (std::string_view query : queries) {
    if (!query.empty() && query.back() == '\r') query.remove_suffix(1);
    if (query.find_first_not_of(" \t") == std::string_view::npos || query.front() == '#') {
      continue;
    }
    ++learned.queries;
    std::optional<std::vector<ValueSpan>> slots = find_slots(query);
    bool usable = slots.has_value() && is_valid_utf8(query) && poolable(query);
    std::string text;
    std::vector<std::pair<std::string, std::string>> values;
    if (usable) {
      std::map<std::string, int> seen;  // occurrences of each role in this query
      std::set<std::string> names;
      std::size_t copied = 0;
      for (const ValueSpan& slot : *slots) {
        int k = ++seen[slot.role];
        std::string name = options.type_name + "-" + slot.role;
        if (k > 1) name += "_" + std::to_string(k);
        std::string_view value = query.substr(slot.begin, slot.end - slot.begin);
        if (!is_valid_placeholder_name(name) || !poolable(value)) {
          usable = false;
          break;
        }
        names.insert(name);
        append_literal(text, query.substr(copied, slot.begin - copied));
        text += "{" + name + "}";
        copied = slot.end;
        values.emplace_back(name, std::string(value));
      }
      append_literal(text, query.substr(copied));
      usable = usable && names.size() <= kMaxPlaceholders;
    }
    if (!usable) {
      ++learned.skipped;
      continue;
    }
    auto [it, added] = by_text.try_emplace(text, shapes.size());
    if (added) shapes.push_back(Shape{text, 0, shapes.size(), {}});
    Shape& shape = shapes[it->second];
    ++shape.count;
    shape.values.push_back(std::move(values));
  }
  std::stable_sort(shapes.begin(), shapes.end(),
                   [](const Shape& a, const Shape& b) { return a.count > b.count; });
  std::map<std::string, LearnedPool> pools;
  std::map<std::string, std::set<std::string>> pool_sets;
  for (const Shape& shape : shapes) {
    if (shape.count < options.min_count) {
      learned.dropped += shape.count;
      continue;
    }
    learned.templates.push_back({shape.text, shape.count});
    for (const auto& query_values : shape.values) {
      for (const auto& [name, value] : query_values) {
        LearnedPool& pool = pools[name];
        pool.name = name;
        if (pool_sets[name].insert(value).second) pool.values.push_back(value);
      }
    }
  }
  for (auto& [name, pool] : pools) learned.pools.push_back(std::move(pool));
  return learned;
}

core::Status write_presets(const LearnedPresets& presets, const LearnOptions& options,
                           const std::filesystem::path& dir) {
  if (presets.templates.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "nothing learned: no shape was seen at least " +
                          std::to_string(options.min_count) + " times");
  }
  std::string from;
  for (const std::string& source : options.sources) from += (from.empty() ? "" : ", ") + source;
  if (from.empty()) from = "a list of queries";
  for (const char* sub : {"templates", "pools"}) {
    std::error_code error;
    std::filesystem::create_directories(dir / sub, error);
    if (error) {
      return core::fail(core::ErrorCode::kIo,
                        (dir / sub).string() + ": cannot create: " + error.message());
    }
  }
  std::string text = "# Learned by dorkgen learn from " + from + ": " +
                     std::to_string(presets.templates.size()) + " shapes seen at least " +
                     std::to_string(options.min_count) + " times.\n";
  for (const LearnedTemplate& learned : presets.templates) text += learned.text + "\n";
  CORE_RETURN_IF_ERROR(
      core::write_file_atomically(dir / "templates" / (options.type_name + ".txt"), text));
  for (const LearnedPool& pool : presets.pools) {
    std::string body = "# Values learned by dorkgen learn from " + from + ".\n";
    for (const std::string& value : pool.values) body += value + "\n";
    CORE_RETURN_IF_ERROR(core::write_file_atomically(dir / "pools" / (pool.name + ".txt"), body));
  }
  return core::ok_status();
}

}  // namespace dorkgen
