// Internal: reads the fields of one JSON object into model structs without throwing,
// keeping the first error (named "<object>.<field>: <problem>") and ignoring unknown fields.
// Absent and null fields leave the output at its default unless the field is required.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "mikami/model/channel.h"
#include "mikami/model/permissions.h"
#include "mikami/model/snowflake.h"

namespace mikami::model::detail {

namespace json = boost::json;

enum class Need : bool { kOptional, kRequired };

// Discord's length limits count characters, not bytes: this counts UTF-8 lead bytes.
inline std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Discord's INTEGER options hold whole numbers from -(2^53 - 1) to 2^53 - 1 (so a double
// that passes converts to int64_t exactly; a NaN or an infinity does not pass).
inline bool is_discord_integer(double v) {
  constexpr double kLimit = 9007199254740991.0;  // 2^53 - 1
  return v >= -kLimit && v <= kLimit && std::trunc(v) == v;
}

core::Result<std::uint64_t> snowflake_from(const json::value& v);
core::Result<Permissions> permissions_from(const json::value& v);
core::Result<ChannelType> channel_type_from(const json::value& v);

class Fields {
 public:
  Fields(const json::value& v, std::string_view what);

  bool ok() const { return !error_; }
  const json::object* object() const { return object_; }
  // The field's value, or nullptr when absent or null.
  const json::value* get(std::string_view key) const;

  template <class Tag>
  void id(std::string_view key, Id<Tag>& out, Need need = Need::kOptional) {
    const json::value* v = present(key, need);
    if (!v) return;
    auto parsed = snowflake_from(*v);
    if (!parsed) return fail(key, parsed.error().message());
    out = Id<Tag>(*parsed);
  }
  template <class Tag>
  void id(std::string_view key, std::optional<Id<Tag>>& out) {
    Id<Tag> value;
    if (get(key)) id(key, value);
    if (value.is_set()) out = value;
  }
  template <class Tag>
  void ids(std::string_view key, std::vector<Id<Tag>>& out) {
    const json::array* a = array(key);
    if (!a) return;
    out.reserve(a->size());
    for (const json::value& v : *a) {
      auto parsed = snowflake_from(v);
      if (!parsed) return fail(key, parsed.error().message());
      out.emplace_back(*parsed);
    }
  }
  void string(std::string_view key, std::string& out, Need need = Need::kOptional);
  void boolean(std::string_view key, bool& out);
  void boolean(std::string_view key, std::optional<bool>& out);
  void number(std::string_view key, double& out);
  void permissions(std::string_view key, Permissions& out, Need need = Need::kOptional);
  void permissions(std::string_view key, std::optional<Permissions>& out);
  void timestamp_ms(std::string_view key, std::int64_t& out);

  template <class Int>
  void integer(std::string_view key, Int& out, Need need = Need::kOptional) {
    const json::value* v = present(key, need);
    if (!v) return;
    std::int64_t wide = 0;
    if (v->is_int64()) {
      wide = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= std::uint64_t(INT64_MAX)) {
      wide = static_cast<std::int64_t>(v->get_uint64());
    } else {
      return fail(key, "expected an integer");
    }
    using Rep = decltype(to_rep(out));
    if (wide < std::int64_t(std::numeric_limits<Rep>::min()) ||
        (wide > 0 && std::uint64_t(wide) > std::uint64_t(std::numeric_limits<Rep>::max()))) {
      return fail(key, "integer out of range");
    }
    out = static_cast<Int>(wide);
  }
  template <class Int>
  void integer(std::string_view key, std::optional<Int>& out) {
    if (!get(key)) return;
    Int value{};
    integer(key, value);
    if (ok()) out = value;
  }

  // An array field, or nullptr when absent/null (failing when present but not an array).
  const json::array* array(std::string_view key, Need need = Need::kOptional);
  // Parses each element of an array field with `parse` (returning core::Result<T>).
  template <class T, class Parse>
  void list(std::string_view key, std::vector<T>& out, Parse parse) {
    const json::array* a = array(key);
    if (!a) return;
    out.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto parsed = parse((*a)[i]);
      if (!parsed) return fail_at(key, i, parsed.error().message());
      out.push_back(std::move(*parsed));
    }
  }
  // Parses an object field with `parse` into an optional (or a plain value).
  template <class T, class Parse>
  void child(std::string_view key, T& out, Parse parse, Need need = Need::kOptional) {
    const json::value* v = present(key, need);
    if (!v) return;
    auto parsed = parse(*v);
    if (!parsed) return fail(key, parsed.error().message());
    out = std::move(*parsed);
  }

  void fail(std::string_view key, std::string_view problem);
  void fail_at(std::string_view key, std::size_t index, std::string_view problem);

  // The value when every read succeeded, else the first error.
  template <class T>
  core::Result<T> finish(T&& value) {
    if (error_) return core::fail(core::ErrorCode::kInvalidArgument, std::move(*error_));
    return std::forward<T>(value);
  }

 private:
  template <class Int>
  static Int to_rep(Int);
  template <class E>
  requires std::is_enum_v<E>
  static std::underlying_type_t<E> to_rep(E);

  const json::value* present(std::string_view key, Need need);

  const json::object* object_ = nullptr;
  std::string_view what_;
  std::optional<std::string> error_;
};

}  // namespace mikami::model::detail
