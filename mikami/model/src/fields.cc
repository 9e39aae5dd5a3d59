#include "fields.h"

#include <charconv>
#include <cmath>

#include "mikami/model/user.h"

namespace mikami::model::detail {

core::Result<std::uint64_t> snowflake_from(const json::value& v) {
  if (const json::string* s = v.if_string()) return parse_snowflake(*s);
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  return core::fail(core::ErrorCode::kInvalidArgument, "expected a snowflake string");
}

core::Result<Permissions> permissions_from(const json::value& v) {
  if (const json::string* s = v.if_string()) return Permissions::parse(*s);
  if (v.is_uint64()) return Permissions(v.get_uint64());
  if (v.is_int64() && v.get_int64() >= 0) return Permissions(std::uint64_t(v.get_int64()));
  return core::fail(core::ErrorCode::kInvalidArgument, "expected a permission string");
}

core::Result<ChannelType> channel_type_from(const json::value& v) {
  if (!v.is_int64() || v.get_int64() < 0 || v.get_int64() > 255) {
    return core::fail(core::ErrorCode::kInvalidArgument, "expected a channel type");
  }
  return ChannelType(v.get_int64());
}

Fields::Fields(const json::value& v, std::string_view what) : what_(what) {
  object_ = v.if_object();
  if (!object_) error_ = std::string(what) + ": expected an object";
}

const json::value* Fields::get(std::string_view key) const {
  if (!object_) return nullptr;
  const json::value* v = object_->if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

const json::value* Fields::present(std::string_view key, Need need) {
  if (error_) return nullptr;
  const json::value* v = get(key);
  if (!v && need == Need::kRequired) fail(key, "missing");
  return v;
}

void Fields::string(std::string_view key, std::string& out, Need need) {
  const json::value* v = present(key, need);
  if (!v) return;
  const json::string* s = v->if_string();
  if (!s) return fail(key, "expected a string");
  out.assign(s->data(), s->size());
}

void Fields::boolean(std::string_view key, bool& out) {
  const json::value* v = present(key, Need::kOptional);
  if (!v) return;
  if (!v->is_bool()) return fail(key, "expected a boolean");
  out = v->get_bool();
}

void Fields::boolean(std::string_view key, std::optional<bool>& out) {
  if (!get(key)) return;
  bool value = false;
  boolean(key, value);
  if (ok()) out = value;
}

void Fields::number(std::string_view key, double& out) {
  const json::value* v = present(key, Need::kOptional);
  if (!v) return;
  if (v->is_double()) {
    // A literal past the range of a double reads as infinity, which no JSON can write back.
    if (!std::isfinite(v->get_double())) return fail(key, "the number is out of range");
    out = v->get_double();
  } else if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
  } else {
    fail(key, "expected a number");
  }
}

void Fields::permissions(std::string_view key, Permissions& out, Need need) {
  const json::value* v = present(key, need);
  if (!v) return;
  auto parsed = permissions_from(*v);
  if (!parsed) return fail(key, parsed.error().message());
  out = *parsed;
}

void Fields::permissions(std::string_view key, std::optional<Permissions>& out) {
  if (!get(key)) return;
  Permissions value;
  permissions(key, value);
  if (ok()) out = value;
}

void Fields::timestamp_ms(std::string_view key, std::int64_t& out) {
  const json::value* v = present(key, Need::kOptional);
  if (!v) return;
  const json::string* s = v->if_string();
  if (!s) return fail(key, "expected a timestamp string");
  auto parsed = parse_timestamp_ms(*s);
  if (!parsed) return fail(key, parsed.error().message());
  out = *parsed;
}

const json::array* Fields::array(std::string_view key, Need need) {
  const json::value* v = present(key, need);
  if (!v) return nullptr;
  const json::array* a = v->if_array();
  if (!a) fail(key, "expected an array");
  return a;
}

void Fields::fail(std::string_view key, std::string_view problem) {
  if (error_) return;
  error_ = std::string(what_) + "." + std::string(key) + ": " + std::string(problem);
}

void Fields::fail_at(std::string_view key, std::size_t index, std::string_view problem) {
  if (error_) return;
  error_ = std::string(what_) + "." + std::string(key) + "[" + std::to_string(index) +
           "]: " + std::string(problem);
}

}  // namespace mikami::model::detail
