#include "mikami/framework/command_sync.h"

#include <boost/json.hpp>

namespace mikami::framework {
namespace {

namespace json = boost::json;

// Every field of `local` is in `remote` with an equal value (objects recursively, arrays
// element by element and of one length). Discord omits `required: false` and empty
// option lists, so those count as equal to absent.
bool contained(const json::value& local, const json::value* remote) {
  if (remote == nullptr) {
    if (local.is_array()) return local.as_array().empty();
    if (local.is_bool()) return !local.as_bool();
    return false;
  }
  if (local.is_object()) {
    if (!remote->is_object()) return false;
    for (const auto& [key, value] : local.as_object()) {
      if (!contained(value, remote->as_object().if_contains(key))) return false;
    }
    return true;
  }
  if (local.is_array()) {
    if (!remote->is_array() || remote->as_array().size() != local.as_array().size()) return false;
    for (std::size_t i = 0; i < local.as_array().size(); ++i) {
      if (!contained(local.as_array()[i], &remote->as_array()[i])) return false;
    }
    return true;
  }
  if (local.is_number() && remote->is_number()) {
    boost::system::error_code a, b;
    return local.to_number<double>(a) == remote->to_number<double>(b) && !a && !b;
  }
  return local == *remote;
}

}  // namespace

bool commands_match(const std::string& local_json, const std::string& remote_json) {
  boost::system::error_code ec;
  json::value local = json::parse(local_json, ec);
  if (ec || !local.is_array()) return false;
  json::value remote = json::parse(remote_json, ec);
  if (ec || !remote.is_array()) return false;
  if (local.as_array().size() != remote.as_array().size()) return false;
  for (const json::value& command : local.as_array()) {
    const json::value* match = nullptr;
    for (const json::value& other : remote.as_array()) {
      if (other.is_object() && other.as_object().if_contains("name") &&
          other.as_object().at("name") == command.as_object().at("name")) {
        match = &other;
      }
    }
    if (!contained(command, match)) return false;
  }
  return true;
}

core::Result<SyncOutcome> sync_commands(RestClient& rest, const std::string& application_id,
                                        const std::string& guild_id,
                                        const std::string& commands_json) {
  const std::string path = "/applications/" + application_id +
                           (guild_id.empty() ? "" : "/guilds/" + guild_id) + "/commands";
  RestResponse current = rest.request(Method::kGet, path, "").get();
  if (current.status != 200) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "reading the registered commands: HTTP " + std::to_string(current.status) +
                          (current.error.empty() ? "" : " (" + current.error + ")"));
  }
  if (commands_match(commands_json, current.body)) return SyncOutcome::kUnchanged;
  RestResponse put = rest.request(Method::kPut, path, commands_json).get();
  if (put.status != 200) {
    return core::fail(core::ErrorCode::kUnavailable, "registering the commands: HTTP " +
                                                         std::to_string(put.status) + " " +
                                                         put.body.substr(0, 300));
  }
  return SyncOutcome::kPushed;
}

}  // namespace mikami::framework
