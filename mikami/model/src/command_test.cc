#include "mikami/model/command.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mikami::model {
namespace {

ApplicationCommand bet_command() {
  ApplicationCommand c;
  c.name = "bet";
  c.description = "Place a wager";
  CommandOption game{.type = CommandOptionType::kString,
                     .name = "game",
                     .description = "Which game",
                     .required = true,
                     .choices = {{"Dice", std::string("dice")}, {"Coin", std::string("coin")}}};
  CommandOption amount{.type = CommandOptionType::kInteger,
                       .name = "amount",
                       .description = "Coins to stake",
                       .required = true,
                       .min_value = 1,
                       .max_value = 100000};
  CommandOption note{.type = CommandOptionType::kString,
                     .name = "note",
                     .description = "A note",
                     .autocomplete = true,
                     .max_length = 80};
  c.options = {game, amount, note};
  c.default_member_permissions = Permissions(Permission::kSendMessages);
  c.contexts = {InteractionContext::kGuild};
  return c;
}

ApplicationCommand module_command() {
  ApplicationCommand c;
  c.name = "module";
  c.description = "Manage modules";
  CommandOption name{.type = CommandOptionType::kString,
                     .name = "name",
                     .description = "Module name",
                     .required = true};
  c.options = {
      CommandOption{.type = CommandOptionType::kSubCommand,
                    .name = "enable",
                    .description = "Enable a module",
                    .options = {name}},
      CommandOption{
          .type = CommandOptionType::kSubCommand, .name = "list", .description = "List modules"},
  };
  c.default_member_permissions = Permissions();  // administrators only
  c.dm_permission = false;
  return c;
}

// What validate_command says of bet_command() after `edit`, or "" when it is valid.
template <typename Edit>
std::string error_of(Edit edit) {
  ApplicationCommand c = bet_command();
  edit(c);
  auto status = validate_command(c);
  return status ? std::string() : status.error().message();
}

TEST(ApplicationCommand, SerialisesWhatDiscordExpects) {
  const std::string body = commands_to_json({bet_command(), module_command()});
  const auto json = boost::json::parse(body);
  const auto& bet = json.as_array()[0].as_object();
  EXPECT_EQ(bet.at("name"), "bet");
  EXPECT_EQ(bet.at("type"), 1);
  EXPECT_EQ(bet.at("default_member_permissions"), "2048");
  EXPECT_EQ(bet.at("contexts").as_array().size(), 1u);
  const auto& amount = bet.at("options").as_array()[1].as_object();
  EXPECT_EQ(amount.at("min_value"), 1);  // integers stay integers
  EXPECT_TRUE(amount.at("min_value").is_int64());
  EXPECT_EQ(amount.at("required"), true);
  EXPECT_EQ(bet.at("options").as_array()[0].at("choices").as_array()[0].at("value"), "dice");
  EXPECT_EQ(bet.at("options").as_array()[2].at("autocomplete"), true);
  const auto& module = json.as_array()[1].as_object();
  EXPECT_EQ(module.at("default_member_permissions"), "0");
  EXPECT_EQ(module.at("dm_permission"), false);
  EXPECT_EQ(module.at("options").as_array()[0].at("type"), 1);
  EXPECT_TRUE(bet_command().options[0] == bet_command().options[0]);
}

// What GET /applications/{id}/commands returns for what was pushed: the same definitions
// plus ids, version, and defaults Discord fills in. Sync must see them as unchanged.
TEST(ApplicationCommand, EqualsWhatDiscordReturnsForIt) {
  auto returned = parse_commands_text(R"([
    {"id": "1", "application_id": "2", "version": "3", "type": 1, "name": "module",
     "description": "Manage modules", "default_member_permissions": "0",
     "dm_permission": false, "nsfw": false, "integration_types": [0],
     "options": [
       {"type": 1, "name": "enable", "description": "Enable a module",
        "options": [{"type": 3, "name": "name", "description": "Module name",
                     "required": true}]},
       {"type": 1, "name": "list", "description": "List modules"}]},
    {"id": "4", "application_id": "2", "version": "5", "type": 1, "name": "bet",
     "description": "Place a wager", "default_member_permissions": "2048",
     "dm_permission": true, "contexts": [0],
     "options": [
       {"type": 3, "name": "game", "description": "Which game", "required": true,
        "choices": [{"name": "Dice", "value": "dice"}, {"name": "Coin", "value": "coin"}]},
       {"type": 4, "name": "amount", "description": "Coins to stake", "required": true,
        "min_value": 1, "max_value": 100000},
       {"type": 3, "name": "note", "description": "A note", "autocomplete": true,
        "max_length": 80}]}])");
  ASSERT_TRUE(returned) << returned.error().message();
  EXPECT_EQ((*returned)[0].id, CommandId(1));
  EXPECT_TRUE(same_definitions({bet_command(), module_command()}, *returned));

  // Round trip: what we serialise parses back to an equal definition.
  auto ours = parse_commands_text(commands_to_json({bet_command(), module_command()}));
  ASSERT_TRUE(ours) << ours.error().message();
  EXPECT_TRUE(same_definitions(*ours, {module_command(), bet_command()}));
}

TEST(ApplicationCommand, AnyChangeIsADifference) {
  const ApplicationCommand base = bet_command();
  auto changed = [&](auto edit) {
    ApplicationCommand c = base;
    edit(c);
    return !same_definition(base, c);
  };
  EXPECT_TRUE(changed([](auto& c) { c.description = "Wager"; }));
  EXPECT_TRUE(changed([](auto& c) { c.options[1].max_value = 5; }));
  EXPECT_TRUE(changed([](auto& c) { c.options[0].choices.pop_back(); }));
  EXPECT_TRUE(changed([](auto& c) { c.options[2].required = true; }));
  EXPECT_TRUE(changed([](auto& c) { c.default_member_permissions.reset(); }));
  EXPECT_TRUE(changed([](auto& c) { c.dm_permission = false; }));
  EXPECT_TRUE(changed([](auto& c) { std::swap(c.options[0], c.options[1]); }));
  EXPECT_FALSE(changed([](auto& c) { c.id = CommandId(99); }));
  EXPECT_FALSE(changed([](auto& c) { c.dm_permission = true; }));  // Discord's default
  EXPECT_FALSE(same_definitions({base}, {base, module_command()}));
}

TEST(ApplicationCommand, ValidationNamesWhatDiscordWouldRefuse) {
  EXPECT_TRUE(validate_command(bet_command()));
  EXPECT_TRUE(validate_command(module_command()));
  EXPECT_NE(error_of([](auto& c) { c.name = "Bet"; }).find("lowercase"), std::string::npos);
  EXPECT_NE(error_of([](auto& c) { c.name = "place bet"; }).find("name"), std::string::npos);
  EXPECT_NE(error_of([](auto& c) { c.description.clear(); }).find("description"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& c) { std::swap(c.options[1], c.options[2]); }).find("before"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& c) {
              c.options[2].choices = {{"a", std::string("a")}};
            }).find("option note: choices and autocomplete"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& c) {
              c.options[1].choices = {{"one", std::string("1")}};
            }).find("type"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& c) { c.options[1].min_value = 10'000'000; }).find("min_value"),
            std::string::npos);
  EXPECT_NE(
      error_of([](auto& c) { c.options.push_back(module_command().options[0]); }).find("beside"),
      std::string::npos);
  ApplicationCommand user_command{.type = CommandType::kUser, .name = "Report user"};
  EXPECT_TRUE(validate_command(user_command));
}

TEST(ApplicationCommand, IntegerBoundPastDiscordsRangeIsWrittenUncastAndRefused) {
  // Found by fuzzing: a bound of 1e25 read from Discord's reply was cast to int64 (undefined)
  // when the command was written back.
  auto read = parse_commands_text(
      R"([{"id": "1", "application_id": "2", "version": "3", "type": 1, "name": "bet",
           "description": "d", "options": [{"type": 4, "name": "amount", "description": "a",
           "min_value": 1e25, "max_value": 2.5}]}])");
  ASSERT_TRUE(read) << read.error().message();
  const boost::json::object written = command_to_json(read->at(0));
  const auto& option = written.at("options").as_array().at(0).as_object();
  EXPECT_EQ(option.at("min_value").as_double(), 1e25);
  EXPECT_EQ(option.at("max_value").as_double(), 2.5);
  EXPECT_NE(error_of([](auto& c) { c.options[1].min_value = 1e25; }).find("whole numbers"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& c) { c.options[1].max_value = 2.5; }).find("whole numbers"),
            std::string::npos);
}

TEST(ApplicationCommand, NumberBoundOfSeventeenDigitsReadsBackAsItself) {
  // Found by fuzzing: Boost.JSON read 1.0800184467440737E25 as 1.0800184467440735E25 (off by
  // one step), so the definition written back never equalled the one read. Numbers are read
  // to the nearest double now.
  const std::string reply =
      R"([{"type": 1, "name": "bet", "description": "d", "options": [{"type": 10,
           "name": "x", "description": "a", "min_value": 0.1, "max_value": 10800184467440737095516163}]}])";
  auto read = parse_commands_text(reply);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->at(0).options.at(0).max_value, 10800184467440737095516163.0);
  EXPECT_EQ(read->at(0).options.at(0).min_value, 0.1);
  auto again = parse_commands_text(commands_to_json(*read));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_TRUE(same_definitions(*again, *read));
  EXPECT_FALSE(parse_commands_text(reply + " x"));
}

TEST(ApplicationCommand, NumberBoundPastTheRangeOfADoubleIsRefused) {
  // Found by fuzzing: 1e95516183 read as infinity and was written back as `Infinity`, which
  // is not JSON. A number no double holds is an error naming its field.
  auto read = parse_commands_text(
      R"([{"type": 1, "name": "bet", "description": "d", "options": [{"type": 10,
           "name": "x", "description": "a", "max_value": 10000184467440737E095516163}]}])");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message().find("max_value"), std::string::npos) << read.error().message();
  EXPECT_NE(read.error().message().find("out of range"), std::string::npos);
  EXPECT_FALSE(parse_commands_text(
      R"([{"type": 1, "name": "bet", "description": "d", "options": [{"type": 10,
           "name": "x", "description": "a", "min_value": -1e400}]}])"));
}

TEST(ApplicationCommand, MalformedRepliesAreErrors) {
  EXPECT_FALSE(parse_commands_text("{}"));
  EXPECT_FALSE(parse_commands_text(R"([{"id": "1"}])"));
  auto bad = parse_commands_text(R"([{"name": "x", "options": [{"type": 3}]}])");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("commands[0]"), std::string::npos);
  EXPECT_NE(bad.error().message().find("option.name: missing"), std::string::npos);
}

}  // namespace
}  // namespace mikami::model
