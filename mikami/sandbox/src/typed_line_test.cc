#include "typed_line.h"

#include <gtest/gtest.h>

namespace mikami::sandbox {
namespace {

namespace json = boost::json;

json::array commands() {
  return json::parse(R"([
    {"id": "31", "name": "ping", "type": 1, "description": "p"},
    {"id": "32", "name": "module", "type": 1, "description": "m", "options": [
      {"type": 1, "name": "list", "description": "l"},
      {"type": 1, "name": "disable", "description": "d", "options": [
        {"type": 3, "name": "name", "description": "n", "required": true}]}]},
    {"id": "33", "name": "warn", "type": 1, "description": "w", "options": [
      {"type": 6, "name": "user", "description": "u", "required": true},
      {"type": 3, "name": "reason", "description": "r"},
      {"type": 4, "name": "days", "description": "d"},
      {"type": 7, "name": "channel", "description": "c"}]}
  ])")
      .as_array();
}

std::variant<json::object, TypedLineError> parse(std::string_view line) {
  static const Guild guild;
  return parse_typed_line(line, commands(), guild, [](const std::string&) { return "8"; });
}

TEST(TypedLineTest, SubcommandsAndOptionsBecomeNestedOptions) {
  auto data = parse("/module disable name:economy");
  ASSERT_TRUE(std::holds_alternative<json::object>(data));
  EXPECT_EQ(json::serialize(std::get<json::object>(data)),
            R"({"id":"32","name":"module","type":1,"options":[{"name":"disable","type":1,)"
            R"("options":[{"name":"name","type":3,"value":"economy"}]}]})");
}

TEST(TypedLineTest, ValuesRunToTheNextOptionAndMembersAreResolved) {
  auto data = parse("/warn reason:spam links again user:@bob days:3 channel:#general");
  ASSERT_TRUE(std::holds_alternative<json::object>(data)) << std::get<TypedLineError>(data).message;
  const json::object& d = std::get<json::object>(data);
  const json::array& options = d.at("options").as_array();
  ASSERT_EQ(options.size(), 4u);
  EXPECT_EQ(options[0].at("value"), "spam links again");
  EXPECT_EQ(options[1].at("value"), "4");
  EXPECT_EQ(options[2].at("value"), 3);
  EXPECT_EQ(options[3].at("value"), "100");
  EXPECT_EQ(d.at("resolved").at("users").at("4").at("username"), "bob");
  EXPECT_EQ(d.at("resolved").at("members").at("4").at("permissions"), "8");
  EXPECT_FALSE(d.at("resolved").at("members").at("4").as_object().contains("user"));
  EXPECT_EQ(d.at("resolved").at("channels").at("100").at("name"), "general");
}

TEST(TypedLineTest, LinesDiscordsClientWouldRefuseAreRefusedWithTheReason) {
  auto message = [](std::string_view line) {
    auto data = parse(line);
    return std::holds_alternative<TypedLineError>(data) ? std::get<TypedLineError>(data).message
                                                        : std::string("accepted");
  };
  EXPECT_EQ(message("/nothing"), "unknown command /nothing (/help lists them)");
  EXPECT_EQ(message("ping"), "a command starts with '/'");
  EXPECT_EQ(message("/module"), "/module needs a subcommand: list, disable");
  EXPECT_EQ(message("/module enable name:x"),
            "/module has no subcommand enable (try: list, disable)");
  EXPECT_EQ(message("/module disable"),
            "/module disable: missing required option name: (its options: name: (required))");
  EXPECT_EQ(message("/warn user:@nobody"), "/warn: option user: no such user, got '@nobody'");
  EXPECT_EQ(message("/warn user:@bob days:two"),
            "/warn: option days: expected an integer, got 'two'");
  EXPECT_EQ(message("/ping extra"),
            "/ping: unexpected 'extra' (options are typed name:value; it takes no options)");
  EXPECT_EQ(message("/ping"), "accepted");
}

TEST(TypedLineTest, AMistypedOptionNameIsToldWithTheOptionsTheCommandTakes) {
  auto message = [](std::string_view line) {
    auto data = parse(line);
    return std::holds_alternative<TypedLineError>(data) ? std::get<TypedLineError>(data).message
                                                        : std::string("accepted");
  };
  const std::string options = "(its options: user: (required), reason:, days:, channel:)";
  EXPECT_EQ(message("/warn usr:@bob"), "/warn: no option usr: " + options);
  EXPECT_EQ(message("/warn usr:@bob reason:spam"), "/warn: no option usr: " + options);
  EXPECT_EQ(message("/warn user:@bob dys:3"), "/warn: no option dys: " + options);
  EXPECT_EQ(message("/warn user:@bob days:3 chanel:#general"),
            "/warn: no option chanel: " + options);
  EXPECT_EQ(message("/ping usr:@bob"), "/ping: no option usr: (it takes no options)");
  // In a string option's value a word with a colon is text.
  EXPECT_EQ(message("/warn user:@bob reason:see: the rules"), "accepted");
  EXPECT_EQ(message("/ping"), "accepted");
}

}  // namespace
}  // namespace mikami::sandbox
