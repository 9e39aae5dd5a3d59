// Discord's 400 "Invalid Form Body" (code 50035): errors nested by field path, each with
// a list of {code, message}:
//   {"message": "Invalid Form Body", "code": 50035,
//    "errors": {"nick": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": ...}]}}}
// plus small readers for JSON body fields that record what is wrong with them.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http_util.h"

namespace mikami::sandbox {

class FormErrors {
 public:
  // `path`: field names and array indexes joined by '.', e.g. "roles.0"; empty: the body.
  void add(std::string_view path, std::string_view code, std::string message);
  bool empty() const { return errors_.empty(); }
  Response response() const;

  // Field readers: nullopt when the field is absent, null (`allow_null`) or wrong (then
  // an error is recorded). `present` reports whether the key is in the body at all.
  std::optional<std::string> string_field(const json::object& body, std::string_view key,
                                          std::size_t min_length, std::size_t max_length);
  std::optional<std::int64_t> int_field(const json::object& body, std::string_view key,
                                        std::int64_t min, std::int64_t max);
  std::optional<bool> bool_field(const json::object& body, std::string_view key);

 private:
  json::object errors_;
};

// Length in UTF-16 code units, as Discord counts string lengths.
std::size_t utf16_length(std::string_view text);

// Reads an integer query parameter: nullopt when absent; records an error when it is not
// an integer within [min, max].
std::optional<std::int64_t> int_param(FormErrors& errors, const std::string& name,
                                      const std::map<std::string, std::string>& params,
                                      std::int64_t min, std::int64_t max);

}  // namespace mikami::sandbox
