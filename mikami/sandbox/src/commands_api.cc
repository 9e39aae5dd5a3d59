#include "commands_api.h"

#include "form_errors.h"

namespace mikami::sandbox {

Response get_commands(const ConsoleState& state, const std::string& guild_id) {
  auto it = state.commands.find(guild_id);
  return json_response(http::status::ok, it == state.commands.end() ? json::array{} : it->second);
}

Response put_commands(ConsoleState& state, const std::string& application_id,
                      const std::string& guild_id, const json::value& body) {
  if (!body.is_array()) {
    FormErrors errors;
    errors.add("", "BASE_TYPE_ARRAY", "Must be an array");
    return errors.response();
  }
  ++state.command_puts;
  const json::array* old = nullptr;
  if (auto it = state.commands.find(guild_id); it != state.commands.end()) old = &it->second;
  json::array stored;
  std::size_t index = 0;
  for (const json::value& item : body.as_array()) {
    const json::object* command = item.if_object();
    const json::value* name = command ? command->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      FormErrors errors;
      errors.add(std::to_string(index) + ".name", "BASE_TYPE_REQUIRED", "This field is required");
      return errors.response();
    }
    json::object out = *command;
    std::string id;
    if (old != nullptr) {
      for (const json::value& previous : *old) {
        if (previous.as_object().at("name") == *name) {
          id = std::string(previous.as_object().at("id").as_string());
        }
      }
    }
    if (id.empty()) id = std::to_string(300'000'000'000'000'000 + state.next_command_id++);
    out["id"] = id;
    out["application_id"] = application_id;
    if (!guild_id.empty()) out["guild_id"] = guild_id;
    out["version"] = id;
    if (!out.contains("type")) out["type"] = 1;
    stored.push_back(std::move(out));
    ++index;
  }
  state.commands[guild_id] = stored;
  return json_response(http::status::ok, stored);
}

}  // namespace mikami::sandbox
