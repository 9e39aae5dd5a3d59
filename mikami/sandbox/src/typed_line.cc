#include "typed_line.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <vector>

namespace mikami::sandbox {
namespace {

namespace json = boost::json;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string text_of(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int type_of(const json::object& option) {
  const json::value* v = option.if_contains("type");
  return v != nullptr && v->is_int64() ? static_cast<int>(v->as_int64()) : 0;
}

const json::array* options_of(const json::object& object) {
  const json::value* v = object.if_contains("options");
  return v != nullptr ? v->if_array() : nullptr;
}

class Resolver {
 public:
  Resolver(const Guild& guild, const std::function<std::string(const std::string&)>& permissions)
      : guild_(guild), permissions_(permissions) {}

  // "@bob", "<@4>", "4" or "bob".
  std::optional<std::string> user(std::string_view text) const {
    std::string key = mention_key(text, '@');
    if (guild_.users.contains(key)) return key;
    for (const auto& [id, user] : guild_.users) {
      if (lower(user.username) == lower(key)) return id;
    }
    return std::nullopt;
  }
  std::optional<std::string> role(std::string_view text) const {
    std::string key = mention_key(text, '@');
    if (key.starts_with('&')) key.erase(0, 1);
    if (guild_.roles.contains(key)) return key;
    for (const auto& [id, role] : guild_.roles) {
      if (lower(role.name) == lower(key) || lower(role.name) == "@" + lower(key)) return id;
    }
    return std::nullopt;
  }
  std::optional<std::string> channel(std::string_view text) const {
    std::string key = mention_key(text, '#');
    if (guild_.channels.contains(key)) return key;
    for (const auto& [id, channel] : guild_.channels) {
      if (lower(channel.name) == lower(key)) return id;
    }
    return std::nullopt;
  }

  void add_user(const std::string& id) {
    bucket("users")[id] = guild_.user_json(id);
    if (auto it = guild_.members.find(id); it != guild_.members.end()) {
      json::object member = guild_.member_json(it->second);
      member.erase("user");  // resolved members carry no user; it is in resolved.users
      member["permissions"] = permissions_(id);
      bucket("members")[id] = std::move(member);
    }
  }
  void add_role(const std::string& id) {
    bucket("roles")[id] = guild_.role_json(guild_.roles.at(id));
  }
  void add_channel(const std::string& id) {
    const Channel& channel = guild_.channels.at(id);
    bucket("channels")[id] = json::object{{"id", id},
                                          {"name", channel.name},
                                          {"type", channel.type},
                                          {"permissions", "2251799813685247"}};
  }
  json::object take() {
    json::object out;
    for (auto& [kind, values] : resolved_) out[kind] = std::move(values);
    return out;
  }

 private:
  json::object& bucket(const char* kind) {
    json::value& v = resolved_[kind];
    return v.is_object() ? v.as_object() : v.emplace_object();
  }

  // Strips "<@", "<#", ">" and a leading '@'/'#'.
  static std::string mention_key(std::string_view text, char sigil) {
    if (text.size() > 3 && text.front() == '<' && text.back() == '>') {
      text = text.substr(1, text.size() - 2);
    }
    if (!text.empty() && (text.front() == sigil || text.front() == '@' || text.front() == '#')) {
      text.remove_prefix(1);
    }
    if (!text.empty() && text.front() == '!') text.remove_prefix(1);
    return std::string(text);
  }

  const Guild& guild_;
  const std::function<std::string(const std::string&)>& permissions_;
  std::map<std::string, json::value> resolved_;  // "users" -> {id: user}, ...
};

// The value of one leaf option, or an error naming it.
std::variant<json::value, TypedLineError> convert(const json::object& option, std::string_view text,
                                                  Resolver& resolver) {
  const std::string name = text_of(option, "name");
  auto fail = [&](std::string_view what) {
    return TypedLineError{"option " + name + ": " + std::string(what) + ", got '" +
                          std::string(text) + "'"};
  };
  switch (type_of(option)) {
    case option_type::kString:
      return json::value(std::string(text));
    case option_type::kInteger: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size()) return fail("expected an integer");
      return json::value(n);
    }
    case option_type::kNumber: {
      std::string copy(text);
      char* end = nullptr;
      double d = std::strtod(copy.c_str(), &end);
      if (copy.empty() || end != copy.c_str() + copy.size()) return fail("expected a number");
      return json::value(d);
    }
    case option_type::kBoolean: {
      const std::string l = lower(text);
      if (l == "true" || l == "yes") return json::value(true);
      if (l == "false" || l == "no") return json::value(false);
      return fail("expected true or false");
    }
    case option_type::kUser: {
      auto id = resolver.user(text);
      if (!id) return fail("no such user");
      resolver.add_user(*id);
      return json::value(*id);
    }
    case option_type::kRole: {
      auto id = resolver.role(text);
      if (!id) return fail("no such role");
      resolver.add_role(*id);
      return json::value(*id);
    }
    case option_type::kMentionable: {
      if (auto id = resolver.user(text)) {
        resolver.add_user(*id);
        return json::value(*id);
      }
      if (auto id = resolver.role(text)) {
        resolver.add_role(*id);
        return json::value(*id);
      }
      return fail("no such user or role");
    }
    case option_type::kChannel: {
      auto id = resolver.channel(text);
      if (!id) return fail("no such channel");
      resolver.add_channel(*id);
      return json::value(*id);
    }
    default:
      return fail("this option type cannot be typed in the console");
  }
}

// "member: (required), reason:", or "no options": what a wrong option's error lists.
std::string option_names(const json::array& schema) {
  std::string out;
  for (const json::value& v : schema) {
    const json::object& option = v.as_object();
    const json::value* required = option.if_contains("required");
    out += (out.empty() ? "" : ", ") + text_of(option, "name") + ":" +
           (required != nullptr && required->is_bool() && required->as_bool() ? " (required)" : "");
  }
  return out.empty() ? "it takes no options" : "its options: " + out;
}

// The `word` of a `word:` at the start of `text` or after a space, that names no option of
// `schema` (a mistyped option name); empty when there is none. A string option's value may
// hold such words ("see: the rules"), so only values that failed to convert are searched.
std::string unknown_option_in(std::string_view text, const json::array& schema) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && !std::isspace(static_cast<unsigned char>(text[i - 1]))) continue;
    std::size_t end = i;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                 text[end] == '_' || text[end] == '-')) {
      ++end;
    }
    if (end == i || end >= text.size() || text[end] != ':') continue;
    const std::string word(text.substr(i, end - i));
    const bool known = std::any_of(schema.begin(), schema.end(), [&](const json::value& v) {
      return text_of(v.as_object(), "name") == word;
    });
    if (!known) return word;
  }
  return "";
}

// Parses `rest` as `name:value` pairs against `schema` (leaf options).
std::variant<json::array, TypedLineError> parse_options(std::string_view rest,
                                                        const json::array& schema,
                                                        Resolver& resolver) {
  struct Found {
    std::size_t at;     // where "name:" starts
    std::size_t value;  // where its value starts
    const json::object* option;
  };
  std::vector<Found> found;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (i > 0 && !std::isspace(static_cast<unsigned char>(rest[i - 1]))) continue;
    for (const json::value& v : schema) {
      const json::object& option = v.as_object();
      const std::string prefix = text_of(option, "name") + ":";
      if (rest.substr(i).starts_with(prefix)) {
        found.push_back({i, i + prefix.size(), &option});
        break;
      }
    }
  }
  if (const auto before = trim(rest.substr(0, found.empty() ? rest.size() : found[0].at));
      !before.empty()) {
    if (const std::string word = unknown_option_in(before, schema);
        !word.empty() && before.starts_with(word + ":")) {
      return TypedLineError{"no option " + word + ": (" + option_names(schema) + ")"};
    }
    return TypedLineError{"unexpected '" + std::string(before) +
                          "' (options are typed name:value; " + option_names(schema) + ")"};
  }
  json::array out;
  std::vector<std::string> seen;
  for (std::size_t k = 0; k < found.size(); ++k) {
    const std::size_t end = k + 1 < found.size() ? found[k + 1].at : rest.size();
    const std::string_view text = trim(rest.substr(found[k].value, end - found[k].value));
    const std::string name = text_of(*found[k].option, "name");
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return TypedLineError{"option " + name + " given twice"};
    }
    seen.push_back(name);
    if (text.empty()) return TypedLineError{"option " + name + ": no value"};
    auto value = convert(*found[k].option, text, resolver);
    if (auto* error = std::get_if<TypedLineError>(&value)) {
      // "member:@bob rsn:spam": the value ran over a mistyped option.
      if (const std::string word = unknown_option_in(text, schema); !word.empty()) {
        return TypedLineError{"no option " + word + ": (" + option_names(schema) + ")"};
      }
      return *error;
    }
    out.push_back(json::object{{"name", name},
                               {"type", type_of(*found[k].option)},
                               {"value", std::get<json::value>(value)}});
  }
  for (const json::value& v : schema) {
    const json::object& option = v.as_object();
    const json::value* required = option.if_contains("required");
    const std::string name = text_of(option, "name");
    if (required != nullptr && required->is_bool() && required->as_bool() &&
        std::find(seen.begin(), seen.end(), name) == seen.end()) {
      return TypedLineError{"missing required option " + name + ": (" + option_names(schema) + ")"};
    }
  }
  return out;
}

}  // namespace

std::variant<json::object, TypedLineError> parse_typed_line(
    std::string_view line, const json::array& commands, const Guild& guild,
    const std::function<std::string(const std::string&)>& permissions_of) {
  line = trim(line);
  if (!line.starts_with('/')) return TypedLineError{"a command starts with '/'"};
  line.remove_prefix(1);
  auto next_word = [&line]() {
    line = trim(line);
    std::size_t end = 0;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
    std::string word(line.substr(0, end));
    line.remove_prefix(end);
    return word;
  };
  const std::string name = next_word();
  const json::object* command = nullptr;
  for (const json::value& v : commands) {
    const json::object* c = v.if_object();
    if (c != nullptr && text_of(*c, "name") == name && type_of(*c) <= 1) {
      command = c;
      break;
    }
  }
  if (command == nullptr) return TypedLineError{"unknown command /" + name + " (/help lists them)"};
  Resolver resolver(guild, permissions_of);
  // Walks down subcommand groups and subcommands, building the nested option objects.
  const json::array empty;
  const json::array* schema = options_of(*command) ? options_of(*command) : &empty;
  std::vector<json::object> path;  // the group and subcommand options, outermost first
  std::string where = "/" + name;
  for (;;) {
    std::vector<std::string> subs;
    for (const json::value& v : *schema) {
      const int t = type_of(v.as_object());
      if (t == option_type::kSubCommand || t == option_type::kSubCommandGroup) {
        subs.push_back(text_of(v.as_object(), "name"));
      }
    }
    if (subs.empty()) break;
    std::string list;
    for (const auto& s : subs) list += (list.empty() ? "" : ", ") + s;
    const std::string word = next_word();
    if (word.empty()) return TypedLineError{where + " needs a subcommand: " + list};
    const json::object* sub = nullptr;
    for (const json::value& v : *schema) {
      if (text_of(v.as_object(), "name") == word) sub = &v.as_object();
    }
    if (sub == nullptr) {
      return TypedLineError{where + " has no subcommand " + word + " (try: " + list + ")"};
    }
    where += " " + word;
    path.push_back(json::object{{"name", word}, {"type", type_of(*sub)}});
    schema = options_of(*sub) ? options_of(*sub) : &empty;
  }
  auto leaves = parse_options(line, *schema, resolver);
  if (auto* error = std::get_if<TypedLineError>(&leaves)) {
    return TypedLineError{where + ": " + error->message};
  }
  json::array options = std::move(std::get<json::array>(leaves));
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    (*it)["options"] = std::move(options);
    options = json::array{std::move(*it)};
  }
  json::object data{{"id", text_of(*command, "id")},
                    {"name", name},
                    {"type", 1},
                    {"options", std::move(options)}};
  if (auto guild_id = text_of(*command, "guild_id"); !guild_id.empty()) data["guild_id"] = guild_id;
  if (json::object resolved = resolver.take(); !resolved.empty()) data["resolved"] = resolved;
  return data;
}

}  // namespace mikami::sandbox
