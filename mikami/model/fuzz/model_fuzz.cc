// Fuzzes the typed Discord model's parsers. The input's first line names what the rest is:
// interaction, message, member, user, role, channel, guild, command, commands, embed or
// component; any other name is a gateway event's name ("t") and the rest its `d`. Parsing
// never throws; a parsed error names something; a chat input command, an embed or a component
// that parsed is written back to JSON that parses to the same value.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "mikami/model/channel.h"
#include "mikami/model/command.h"
#include "mikami/model/component.h"
#include "mikami/model/embed.h"
#include "mikami/model/guild.h"
#include "mikami/model/interaction.h"
#include "mikami/model/message.h"
#include "mikami/model/user.h"

namespace {

namespace json = boost::json;
using namespace mikami::model;

template <class Result>
void check_error(const Result& result) {
  if (!result) FUZZ_ASSERT(!result.error().message().empty());
}

// What `parse` accepted comes back from `to_json` as a value `parse` reads the same.
template <class Parse, class ToJson>
void check_round_trip(const json::value& value, Parse parse, ToJson to_json) {
  auto parsed = parse(value);
  check_error(parsed);
  if (!parsed) return;
  const json::value written = to_json(*parsed);
  auto again = parse(written);
  FUZZ_ASSERT(again);
  FUZZ_ASSERT(*again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view kind = input.substr(0, newline);
  const std::string_view text = input.substr(newline + 1);

  if (kind == "interaction") {
    check_error(parse_interaction_text(text));
    return 0;
  }
  if (kind == "commands") {
    auto commands = parse_commands_text(text);
    check_error(commands);
    if (!commands) return 0;
    auto again = parse_commands_text(commands_to_json(*commands));
    FUZZ_ASSERT(again);
    FUZZ_ASSERT(again->size() == commands->size());
    for (std::size_t i = 0; i < commands->size(); ++i) {
      if ((*commands)[i].type != CommandType::kChatInput) continue;
      FUZZ_ASSERT(same_definition((*again)[i], (*commands)[i]));
    }
    return 0;
  }
  if (kind != "message" && kind != "member" && kind != "user" && kind != "role" &&
      kind != "channel" && kind != "guild" && kind != "command" && kind != "embed" &&
      kind != "component") {
    check_error(parse_event_text(kind, text));
    return 0;
  }
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec) return 0;
  if (kind == "message") check_error(parse_message(value));
  if (kind == "member") check_error(parse_member(value));
  if (kind == "user") check_error(parse_user(value));
  if (kind == "role") check_error(parse_role(value));
  if (kind == "channel") check_error(parse_channel(value));
  if (kind == "guild") check_error(parse_guild(value));
  if (kind == "command") {
    auto command = parse_command(value);
    check_error(command);
    // Only a chat input command keeps its description in JSON: user and message commands
    // have none on Discord, so command_to_json writes none for them.
    if (command && command->type == CommandType::kChatInput) {
      auto again = parse_command(command_to_json(*command));
      FUZZ_ASSERT(again);
      FUZZ_ASSERT(same_definition(*again, *command));
    }
  }
  if (kind == "embed") check_round_trip(value, parse_embed, embed_to_json);
  if (kind == "component") check_round_trip(value, parse_component, component_to_json);
  return 0;
}
