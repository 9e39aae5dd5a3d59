// Messages as received (MESSAGE_CREATE, REST replies) and the body of a message the bot
// sends (channel messages, interaction responses, follow-ups, edits).
// Reference: https://discord.com/developers/docs/resources/message
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/model/component.h"
#include "mikami/model/embed.h"
#include "mikami/model/snowflake.h"
#include "mikami/model/user.h"

namespace mikami::model {

// Message flags the bot sets or reads.
inline constexpr std::uint32_t kMessageFlagSuppressEmbeds = 1 << 2;
inline constexpr std::uint32_t kMessageFlagEphemeral = 1 << 6;
inline constexpr std::uint32_t kMessageFlagSuppressNotifications = 1 << 12;

struct Message {
  MessageId id{};
  ChannelId channel_id{};
  GuildId guild_id{};  // gateway only; unset for DMs and REST replies
  User author{};
  std::optional<Member> member{};  // partial (no user); guild messages on the gateway only
  std::string content{};           // empty without the message content intent
  std::string timestamp{};
  std::string edited_timestamp{};
  bool tts = false;
  bool mention_everyone = false;
  std::vector<UserId> mentions{};
  std::vector<RoleId> mention_roles{};
  std::vector<Embed> embeds{};
  std::vector<Component> components{};
  std::uint8_t type = 0;
  std::uint32_t flags = 0;
  MessageId referenced_message_id{};  // message_reference.message_id
  Snowflake webhook_id{};
  friend bool operator==(const Message&, const Message&) = default;
};

core::Result<Message> parse_message(const boost::json::value& json);

// allowed_mentions: which mentions in the content may ping. The default pings nobody, which
// is what a bot echoing user input needs.
struct AllowedMentions {
  bool users = false;     // "users" in parse
  bool roles = false;     // "roles" in parse
  bool everyone = false;  // "everyone" in parse
  std::vector<UserId> user_ids{};
  std::vector<RoleId> role_ids{};
  bool replied_user = false;
  friend bool operator==(const AllowedMentions&, const AllowedMentions&) = default;
};

// The JSON body of a message the bot sends. Builder methods return *this; `to_json` gives
// the body; `validate` checks Discord's limits first (content 2,000 characters, 10 embeds
// whose text totals 6,000, 5 action rows), naming what was wrong.
class MessageCreate {
 public:
  MessageCreate& content(std::string text);
  MessageCreate& add_embed(Embed embed);
  MessageCreate& add_row(std::vector<Component> row);
  MessageCreate& add_component(Component top_level);
  MessageCreate& ephemeral(bool on = true);
  MessageCreate& flags(std::uint32_t flags);
  MessageCreate& tts(bool on = true);
  MessageCreate& allowed_mentions(AllowedMentions mentions);
  MessageCreate& reply_to(MessageId message, bool fail_if_not_exists = false);

  const std::string& content() const { return content_; }
  const std::vector<Embed>& embeds() const { return embeds_; }
  const std::vector<Component>& components() const { return components_; }
  std::uint32_t flags() const { return flags_; }
  bool is_ephemeral() const { return (flags_ & kMessageFlagEphemeral) != 0; }

  core::Status validate() const;
  boost::json::object to_json_object() const;
  std::string to_json() const;

  friend bool operator==(const MessageCreate&, const MessageCreate&) = default;

 private:
  std::string content_{};
  std::vector<Embed> embeds_{};
  std::vector<Component> components_{};
  std::uint32_t flags_ = 0;
  bool tts_ = false;
  AllowedMentions allowed_mentions_{};
  MessageId reply_to_{};
  bool fail_if_not_exists_ = false;
};

inline constexpr std::size_t kMessageContentMax = 2000;
inline constexpr std::size_t kMessageEmbedsMax = 10;
inline constexpr std::size_t kMessageActionRowsMax = 5;

}  // namespace mikami::model
