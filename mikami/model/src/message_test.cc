#include "mikami/model/message.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mikami::model {
namespace {

TEST(Embed, BuildsSerialisesAndParsesBack) {
  Embed embed = Embed()
                    .set_title("Balance")
                    .set_description("Your coins")
                    .set_color(0x2ecc71)
                    .set_footer("mikami")
                    .set_thumbnail("https://example.com/a.png")
                    .set_author("alice")
                    .add_field("Coins", "120", true)
                    .add_field("Rank", "3");
  ASSERT_TRUE(validate_embed(embed));
  const auto json = embed_to_json(embed);
  EXPECT_EQ(json.at("color"), 0x2ecc71);
  EXPECT_EQ(json.at("thumbnail").at("url"), "https://example.com/a.png");
  EXPECT_EQ(json.at("fields").as_array()[0].at("inline"), true);
  EXPECT_FALSE(json.contains("image"));
  auto back = parse_embed(boost::json::value(json));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, embed);
}

TEST(Embed, ValidationCountsCharactersNotBytes) {
  Embed ok;
  ok.title = std::string(256 / 2, 'a');
  for (int i = 0; i < 128; ++i) ok.title += "\xC3\xA9";  // é: 2 bytes, 1 character
  EXPECT_TRUE(validate_embed(ok)) << "256 characters";
  ok.title += "x";
  auto status = validate_embed(ok);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("title has 257 characters"), std::string::npos);

  Embed fields;
  for (int i = 0; i < 26; ++i) fields.add_field("n", "v");
  EXPECT_FALSE(validate_embed(fields));
  Embed empty_field = Embed().add_field("", "v");
  EXPECT_NE(validate_embed(empty_field).error().message().find("field 0"), std::string::npos);
  Embed total;
  for (int i = 0; i < 6; ++i) total.add_field(std::string(256, 'n'), std::string(1000, 'v'));
  auto too_long = validate_embed(total);
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message().find("totals"), std::string::npos);
}

TEST(MessageCreate, BodyCarriesContentEmbedsComponentsAndNoPingsByDefault) {
  MessageCreate body;
  body.content("Pick one")
      .add_embed(Embed().set_title("Wager"))
      .add_row({Component::button(ButtonStyle::kSuccess, "bet:confirm:7", "Confirm"),
                Component::link_button("https://example.com/rules", "Rules")})
      .ephemeral();
  ASSERT_TRUE(body.validate());
  EXPECT_TRUE(body.is_ephemeral());
  const auto json = boost::json::parse(body.to_json());
  EXPECT_EQ(json.at("content"), "Pick one");
  EXPECT_EQ(json.at("flags"), 64);
  EXPECT_EQ(json.at("embeds").as_array()[0].at("title"), "Wager");
  const auto& row = json.at("components").as_array()[0];
  EXPECT_EQ(row.at("type"), 1);
  EXPECT_EQ(row.at("components").as_array()[0].at("custom_id"), "bet:confirm:7");
  EXPECT_EQ(row.at("components").as_array()[0].at("style"), 3);
  EXPECT_EQ(row.at("components").as_array()[1].at("url"), "https://example.com/rules");
  EXPECT_FALSE(row.at("components").as_array()[1].as_object().contains("custom_id"));
  // A bot that repeats user text must not ping @everyone: parse is empty unless asked.
  EXPECT_TRUE(json.at("allowed_mentions").at("parse").as_array().empty());
  EXPECT_FALSE(json.as_object().contains("message_reference"));

  body.ephemeral(false).reply_to(MessageId(55)).allowed_mentions({.user_ids = {UserId(9)}});
  const auto reply = boost::json::parse(body.to_json());
  EXPECT_FALSE(reply.as_object().contains("flags"));
  EXPECT_EQ(reply.at("message_reference").at("message_id"), "55");
  EXPECT_EQ(reply.at("allowed_mentions").at("users").as_array()[0], "9");
}

TEST(MessageCreate, ValidationNamesTheLimit) {
  EXPECT_NE(MessageCreate().validate().error().message().find("no content"), std::string::npos);
  EXPECT_NE(MessageCreate()
                .content(std::string(2001, 'x'))
                .validate()
                .error()
                .message()
                .find("2001 characters"),
            std::string::npos);
  MessageCreate many;
  for (int i = 0; i < 11; ++i) many.add_embed(Embed().set_title("t"));
  EXPECT_NE(many.validate().error().message().find("11 embeds"), std::string::npos);
  MessageCreate bad_embed;
  bad_embed.add_embed(Embed().set_title(std::string(300, 't')));
  EXPECT_NE(bad_embed.validate().error().message().find("embed 0: embed title"), std::string::npos);
}

TEST(Component, SelectAndTextInputRoundTrip) {
  Component select{.type = ComponentType::kStringSelect,
                   .custom_id = "game",
                   .options = {{.label = "Dice", .value = "dice", .is_default = true},
                               {.label = "Coin", .value = "coin", .description = "50/50"}},
                   .placeholder = "Choose",
                   .min_values = 1,
                   .max_values = 1};
  Component row = Component::action_row({select});
  auto back = parse_component(boost::json::value(component_to_json(row)));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, row);
  Component input{.type = ComponentType::kTextInput,
                  .custom_id = "reason",
                  .style = static_cast<std::uint8_t>(TextInputStyle::kParagraph),
                  .label = "Reason",
                  .min_length = 5,
                  .required = true};
  auto input_back = parse_component(boost::json::value(component_to_json(input)));
  ASSERT_TRUE(input_back);
  EXPECT_EQ(*input_back, input);
  EXPECT_FALSE(parse_component(boost::json::parse(R"({"custom_id": "x"})")));
}

// Found by the model fuzz target: children parsed on a component that is not an action row
// were dropped when it was written back, so it read back as another component.
TEST(Component, ChildrenOfAComponentThatIsNotARowRoundTrip) {
  auto parsed = parse_component(boost::json::parse(
      R"({"type": 0, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]})"));
  ASSERT_TRUE(parsed) << parsed.error().message();
  ASSERT_EQ(parsed->components.size(), 1u);
  auto back = parse_component(boost::json::value(component_to_json(*parsed)));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, *parsed);
}

TEST(Message, ParsesAGatewayMessageCreate) {
  auto m = parse_message(boost::json::parse(R"({
    "id": "1170000000000000001", "channel_id": "900000000000000002",
    "guild_id": "900000000000000001", "type": 19, "flags": 0, "tts": false,
    "content": "hello <@500000000000000002>", "timestamp": "2024-01-01T00:00:00.000000+00:00",
    "edited_timestamp": null, "mention_everyone": false, "pinned": false,
    "author": {"id": "500000000000000001", "username": "alice"},
    "member": {"roles": ["700000000000000001"], "joined_at": "2023-01-01T00:00:00Z"},
    "mentions": [{"id": "500000000000000002", "username": "bob"}],
    "mention_roles": [], "attachments": [], "embeds": [{"title": "t", "type": "rich"}],
    "message_reference": {"message_id": "1170000000000000000", "channel_id": "9"}})"));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->author.username, "alice");
  EXPECT_EQ(m->guild_id, GuildId(900000000000000001ULL));
  ASSERT_TRUE(m->member);
  EXPECT_FALSE(m->member->user);
  EXPECT_EQ(m->mentions, std::vector<UserId>{UserId(500000000000000002ULL)});
  EXPECT_EQ(m->embeds[0].type, "rich");
  EXPECT_EQ(m->referenced_message_id, MessageId(1170000000000000000ULL));
  EXPECT_EQ(m->type, 19);

  auto no_author = parse_message(boost::json::parse(R"({"id": "1", "channel_id": "2"})"));
  ASSERT_FALSE(no_author);
  EXPECT_NE(no_author.error().message().find("message.author: missing"), std::string::npos);
}

}  // namespace
}  // namespace mikami::model
