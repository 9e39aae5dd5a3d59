#include "form_errors.h"

#include <charconv>

namespace mikami::sandbox {

void FormErrors::add(std::string_view path, std::string_view code, std::string message) {
  json::object* node = &errors_;
  while (!path.empty()) {
    auto dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    json::value& child = (*node)[key];
    if (!child.is_object()) child = json::object{};
    node = &child.as_object();
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  json::value& list = (*node)["_errors"];
  if (!list.is_array()) list = json::array{};
  list.as_array().push_back(json::object{{"code", code}, {"message", std::move(message)}});
}

Response FormErrors::response() const {
  return json_response(
      http::status::bad_request,
      json::object{{"message", "Invalid Form Body"}, {"code", 50035}, {"errors", errors_}});
}

std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte
    units += byte >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
  }
  return units;
}

std::optional<std::string> FormErrors::string_field(const json::object& body, std::string_view key,
                                                    std::size_t min_length,
                                                    std::size_t max_length) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    add(key, "BASE_TYPE_STRING", "Could not interpret \"" + json::serialize(*v) + "\" as string.");
    return std::nullopt;
  }
  std::string text(v->as_string());
  const std::size_t length = utf16_length(text);
  if (length < min_length || length > max_length) {
    add(key, "BASE_TYPE_BAD_LENGTH",
        "Must be between " + std::to_string(min_length) + " and " + std::to_string(max_length) +
            " in length.");
    return std::nullopt;
  }
  return text;
}

namespace {

void range_errors(FormErrors& errors, std::string_view key, std::int64_t value, std::int64_t min,
                  std::int64_t max, bool& ok) {
  ok = true;
  if (value < min) {
    errors.add(key, "NUMBER_TYPE_MIN",
               "int value should be greater than or equal to " + std::to_string(min) + ".");
    ok = false;
  } else if (value > max) {
    errors.add(key, "NUMBER_TYPE_MAX",
               "int value should be less than or equal to " + std::to_string(max) + ".");
    ok = false;
  }
}

}  // namespace

std::optional<std::int64_t> FormErrors::int_field(const json::object& body, std::string_view key,
                                                  std::int64_t min, std::int64_t max) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  boost::system::error_code ec;
  const auto value = v->is_bool() ? 0 : v->to_number<std::int64_t>(ec);
  if (v->is_bool() || ec) {
    add(key, "NUMBER_TYPE_COERCE", "Value \"" + json::serialize(*v) + "\" is not int.");
    return std::nullopt;
  }
  bool ok = false;
  range_errors(*this, key, value, min, max, ok);
  return ok ? std::optional(value) : std::nullopt;
}

std::optional<bool> FormErrors::bool_field(const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) {
    add(key, "BASE_TYPE_BOOLEAN", "Must be either true or false.");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::int64_t> int_param(FormErrors& errors, const std::string& name,
                                      const std::map<std::string, std::string>& params,
                                      std::int64_t min, std::int64_t max) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  std::int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    errors.add(name, "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not int.");
    return std::nullopt;
  }
  bool ok = false;
  range_errors(errors, name, value, min, max, ok);
  return ok ? std::optional(value) : std::nullopt;
}

}  // namespace mikami::sandbox
